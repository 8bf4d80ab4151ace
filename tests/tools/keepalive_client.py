#!/usr/bin/env python3
"""keepalive_client: open a connection, enable keepalive and idle in the event
loop for ~2.6 s so that libvirtd (configured with keepalive_interval = 1)
sends PINGs and the client library answers with PONGs.
Usage: /usr/bin/python3 keepalive_client.py "test+unix:///default?socket=RELAY"
"""
import sys, time, threading, libvirt
libvirt.virEventRegisterDefaultImpl()
c = libvirt.open(sys.argv[1])
c.setKeepAlive(5, 3)
end = time.time() + 2.6
while time.time() < end:
    libvirt.virEventRunDefaultImpl()
c.close()
