#!/usr/bin/env python3
"""events_client: register a callback-style lifecycle event handler, suspend
and resume domain "test", define a second domain "vm2", list all domains,
collect the three lifecycle events, deregister and close.
Usage: /usr/bin/python3 events_client.py "test+unix:///default?socket=RELAY"
"""
import sys, time, libvirt
libvirt.virEventRegisterDefaultImpl()
c = libvirt.open(sys.argv[1])
got = []
def cb(conn, dom, event, detail, opaque):
    got.append((dom.name(), event, detail))
    print("event", dom.name(), event, detail)
cid = c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None)
d = c.lookupByName("test")
d.suspend()
d.resume()
xml = """<domain type='test'><name>vm2</name><uuid>11111111-2222-3333-4444-555555555555</uuid>
<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"""
c.defineXML(xml)
doms = c.listAllDomains(0)
print([x.name() for x in doms])
end = time.time() + 0.5
while time.time() < end and len(got) < 3:
    libvirt.virEventRunDefaultImpl()
c.domainEventDeregisterAny(cid)
c.close()
