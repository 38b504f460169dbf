"""Where a comment or a report comes from, as the limits, bans and report counts see it."""

import ipaddress


def _address(ip):
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    return address.ipv4_mapped if address.version == 6 and address.ipv4_mapped else address


def network_of(ip):
    """The /24 (IPv4) or /48 (IPv6) network of an address: where rate limits and bans apply."""
    if (address := _address(ip)) is None:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def reporter_address(ip):
    """The address a reporter counts by: an IPv4 address, or an IPv6 /64 (one client's)."""
    if (address := _address(ip)) is None:
        return ""
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
