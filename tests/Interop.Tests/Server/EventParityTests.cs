using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Events, compared with libvirtd 9.0.0's test driver: one python3-libvirt process listens for every event kind on one
/// connection while a second connection runs a command sequence, and prints each call's result followed by the events
/// it caused (name, event and detail numbers, parameters). Both servers must print the same lines in the same order.
/// One script per test keeps libvirtd's test driver from resetting, which it does when its last client leaves.
/// </summary>
public sealed class EventParityTests
{
    /// <summary>python3-libvirt with the default event loop in a thread: a listener connection <c>lst</c> and a second connection <c>c</c> for the commands. <c>step</c> runs one call and prints its result and the events it caused; a refresh of the transient pool evmark, whose event comes after everything the call emitted, ends each step's wait.</summary>
    private const string Listener = """
        import sys, os, shutil, tempfile, threading, libvirt
        libvirt.registerErrorHandler(lambda c, e: None, None)
        libvirt.virEventRegisterDefaultImpl()
        uri = sys.argv[1]
        tmp = tempfile.mkdtemp()
        lst = libvirt.open(uri)
        cond = threading.Condition()
        seen = []
        marks = [0]
        def add(line):
            with cond:
                seen.append(line)
        def fmt(v):
            if isinstance(v, dict):
                return '{' + ','.join('%s=%r' % (k, v[k]) for k in sorted(v)) + '}'
            if isinstance(v, (list, tuple)):
                return '[' + ','.join(fmt(x) for x in v) + ']'
            return repr(v)
        def mk(kind, name):
            def cb(conn, obj, *rest):
                n = name(obj)
                if n != 'evmark':
                    add('%s %s %s' % (kind, n, ' '.join(fmt(a) for a in rest[:-1])))
            return cb
        show_refresh = [False]
        def mark(conn, pool, opaque):
            # One refresh callback serves the marker and, when asked, the output: the client refuses a second one.
            if pool.name() == 'evmark':
                with cond:
                    marks[0] += 1
                    cond.notify_all()
            elif show_refresh[0]:
                add('POOLREFRESH %s ' % pool.name())
        def loop():
            while True:
                libvirt.virEventRunDefaultImpl()
        threading.Thread(target=loop, daemon=True).start()
        lst.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH, mark, None)
        c = libvirt.open(uri)
        marker = c.storagePoolCreateXML("<pool type='dir'><name>evmark</name><target><path>/evmark</path></target></pool>", 0)
        def settle():
            # The marker pool's refresh event is queued after everything the previous call emitted.
            with cond:
                want = marks[0] + 1
            marker.refresh(0)
            with cond:
                if not cond.wait_for(lambda: marks[0] >= want, 10):
                    print('!! marker event missing')
                out = list(seen)
                seen.clear()
            return out
        def step(label, f):
            try:
                f()
                res = 'ok'
            except libvirt.libvirtError as e:
                res = 'ERR %d %d %s' % (e.get_error_code(), e.get_error_domain(), e.get_error_message())
            print('##', label, res)
            for line in settle():
                print('  ', line)
        """;

    /// <summary>Registers every domain event ID, network lifecycle, pool lifecycle and refresh, node device lifecycle and update, and both secret events (which the test driver refuses).</summary>
    private const string EveryKind = """
        for n in sorted(x for x in dir(libvirt) if x.startswith('VIR_DOMAIN_EVENT_ID_')):
            lst.domainEventRegisterAny(None, getattr(libvirt, n), mk(n[20:], lambda d: '%s/%d' % (d.name(), d.ID())), None)
        lst.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, mk('NET', lambda o: o.name()), None)
        lst.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, mk('POOL', lambda o: o.name()), None)
        show_refresh[0] = True
        lst.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, mk('DEV', lambda o: o.name()), None)
        lst.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_UPDATE, mk('DEVUPDATE', lambda o: o.name()), None)
        for kind, eid in (('SECRET', 0), ('SECRETVALUE', 1)):
            try:
                lst.secretEventRegisterAny(None, eid, mk(kind, lambda o: o.UUIDString()), None)
            except libvirt.libvirtError as e:
                print('secret', kind, 'ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
        settle()
        """;

    /// <summary>Callbacks bound to one object, the legacy domain callback, and ids kept for deregistering later.</summary>
    private const string Filtered = """
        t = lst.lookupByName('test')
        ids = {}
        ids['dom-test'] = lst.domainEventRegisterAny(t, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, mk('TESTONLY', lambda d: '%s/%d' % (d.name(), d.ID())), None)
        ids['dom-all'] = lst.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, mk('ALL', lambda d: '%s/%d' % (d.name(), d.ID())), None)
        ids['dom-meta-test'] = lst.domainEventRegisterAny(t, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, mk('METATEST', lambda d: '%s/%d' % (d.name(), d.ID())), None)
        def legacy(conn, dom, ev, det, opaque):
            add('LEGACY %s/%d %d %d' % (dom.name(), dom.ID(), ev, det))
        lst.domainEventRegister(legacy, None)
        ids['net-default'] = lst.networkEventRegisterAny(lst.networkLookupByName('default'), libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, mk('NETDEF', lambda o: o.name()), None)
        ids['pool-default'] = lst.storagePoolEventRegisterAny(lst.storagePoolLookupByName('default-pool'), libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, mk('POOLDEF', lambda o: o.name()), None)
        ids['pool-all'] = lst.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, mk('POOLALL', lambda o: o.name()), None)
        ids['dev-all'] = lst.nodeDeviceEventRegisterAny(lst.nodeDeviceLookupByName('scsi_host11'), libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, mk('DEV11', lambda o: o.name()), None)
        settle()
        """;

    /// <summary>A domain through define, lifecycle, memory and vCPU changes, metadata, tuning setters, guest calls, save/restore, managed save, crash dump, snapshots, rename, undefine and transient domains.</summary>
    private const string DomainCommands = """
        X = "<domain type='test'><name>ev1</name><uuid>11111111-2222-3333-4444-555555555555</uuid><memory>1048576</memory><currentMemory>524288</currentMemory><vcpu current='1'>2</vcpu><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/tmp/ev-disk.img'/><target dev='vda' bus='virtio'/></disk><interface type='network'><source network='default'/></interface></devices></domain>"
        step('define', lambda: c.defineXML(X))
        step('redefine', lambda: c.defineXML(X))
        d = c.lookupByName('ev1')
        step('autostart', lambda: d.setAutostart(1))
        step('start', lambda: d.create())
        step('suspend', lambda: d.suspend())
        step('resume', lambda: d.resume())
        step('reboot', lambda: d.reboot(0))
        step('reset', lambda: d.reset(0))
        step('setmem', lambda: d.setMemory(400000))
        step('setmemflags-config', lambda: d.setMemoryFlags(300000, libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        step('setmaxmem', lambda: d.setMaxMemory(1048576))
        step('setvcpus', lambda: d.setVcpus(2))
        step('setvcpus-config', lambda: d.setVcpusFlags(1, libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        step('desc', lambda: d.setMetadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, 'hello', None, None, 0))
        step('title', lambda: d.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, 'T', None, None, libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        step('meta', lambda: d.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, '<a/>', 'k', 'http://x/', 0))
        step('meta-clear', lambda: d.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, None, None, 'http://x/', 0))
        step('blkio', lambda: d.setBlkioParameters({'weight': 500}, 0))
        step('memtune', lambda: d.setMemoryParameters({'hard_limit': 2000000}, 0))
        step('sched', lambda: d.setSchedulerParameters({'weight': 3}))
        step('numa', lambda: d.setNumaParameters({'numa_nodeset': '0'}, 0))
        step('iotune', lambda: d.setBlockIoTune('vda', {'total_bytes_sec': 1000}, 0))
        step('pinvcpu', lambda: d.pinVcpu(0, (True,)))
        step('pinemu', lambda: d.pinEmulator((True,), 0))
        step('perf', lambda: d.setPerfEvents({'cmt': True}, 0))
        step('ifparams', lambda: d.setInterfaceParameters('vnet0', {'inbound.average': 100}, 0))
        step('blockjobabort', lambda: d.blockJobAbort('vda', 0))
        step('blockpull', lambda: d.blockPull('vda', 0, 0))
        step('blockresize', lambda: d.blockResize('vda', 1000, 0))
        step('pmsuspend', lambda: d.pMSuspendForDuration(libvirt.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0))
        step('pmwakeup', lambda: d.pMWakeup(0))
        step('nmi', lambda: d.injectNMI(0))
        step('sendkey', lambda: d.sendKey(0, 0, [1], 1, 0))
        step('setuserpw', lambda: d.setUserPassword('root', 'x', 0))
        step('fsfreeze', lambda: d.fsFreeze(None, 0))
        step('fsthaw', lambda: d.fsThaw(None, 0))
        step('settime', lambda: d.setTime({'seconds': 1, 'nseconds': 0}, 0))
        step('attach', lambda: d.attachDeviceFlags("<disk type='file' device='disk'><source file='/tmp/x2.img'/><target dev='vdb' bus='virtio'/></disk>", 1))
        step('detach', lambda: d.detachDeviceFlags("<disk type='file' device='disk'><source file='/tmp/x2.img'/><target dev='vdb' bus='virtio'/></disk>", 1))
        step('shutdown', lambda: d.shutdown())
        step('start2', lambda: d.create())
        step('destroy', lambda: d.destroy())
        step('start-paused', lambda: d.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED))
        step('start5', lambda: d.create())
        step('save', lambda: d.save(os.path.join(tmp, 'save')))
        step('restore', lambda: c.restore(os.path.join(tmp, 'save')))
        step('suspend-save', lambda: d.suspend())
        step('save-paused', lambda: d.saveFlags(os.path.join(tmp, 'save2'), None, 0))
        step('restore-paused', lambda: c.restoreFlags(os.path.join(tmp, 'save2'), None, 0))
        step('destroy-for-restore', lambda: d.destroy())
        step('restore-flag-paused', lambda: c.restoreFlags(os.path.join(tmp, 'save2'), None, libvirt.VIR_DOMAIN_SAVE_PAUSED))
        step('resume3', lambda: d.resume())
        step('managedsave', lambda: d.managedSave(0))
        step('suspend-ms', lambda: d.suspend())
        step('start-managed', lambda: d.create())
        step('managedsave-paused', lambda: d.managedSave(libvirt.VIR_DOMAIN_SAVE_PAUSED))
        step('start-managed-paused', lambda: d.create())
        step('managedsave2', lambda: d.managedSave(0))
        step('managedsave-remove', lambda: d.managedSaveRemove(0))
        step('start3', lambda: d.create())
        step('coredump-crash', lambda: d.coreDumpWithFormat(os.path.join(tmp, 'core'), 0, libvirt.VIR_DUMP_CRASH))
        step('start4', lambda: d.create())
        step('snap1', lambda: d.snapshotCreateXML("<domainsnapshot><name>s1</name></domainsnapshot>", 0))
        step('suspend-s', lambda: d.suspend())
        step('snap2', lambda: d.snapshotCreateXML("<domainsnapshot><name>s2</name></domainsnapshot>", 0))
        step('snap-halt', lambda: d.snapshotCreateXML("<domainsnapshot><name>s3</name></domainsnapshot>", libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_HALT))
        step('revert-s1', lambda: d.revertToSnapshot(d.snapshotLookupByName('s1'), 0))
        step('revert-s2', lambda: d.revertToSnapshot(d.snapshotLookupByName('s2'), 0))
        step('revert-s3', lambda: d.revertToSnapshot(d.snapshotLookupByName('s3'), 0))
        step('revert-s1-paused', lambda: d.revertToSnapshot(d.snapshotLookupByName('s1'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED))
        step('revert-s3-running', lambda: d.revertToSnapshot(d.snapshotLookupByName('s3'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING))
        step('revert-s2-running', lambda: d.revertToSnapshot(d.snapshotLookupByName('s2'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING))
        step('snap-delete', lambda: d.snapshotLookupByName('s2').delete(0))
        step('snap-delete-children', lambda: d.snapshotLookupByName('s1').delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN))
        step('destroy2', lambda: d.destroy())
        step('rename', lambda: d.rename('ev2', 0))
        d = c.lookupByName('ev2')
        step('undefine', lambda: d.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA|libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE))
        step('createxml', lambda: c.createXML(X.replace('ev1', 'tr1').replace('11111111','21111111'), 0))
        step('createxml-paused', lambda: c.createXML(X.replace('ev1', 'tr2').replace('11111111','31111111'), libvirt.VIR_DOMAIN_START_PAUSED))
        step('createxml-2', lambda: c.createXML(X.replace('ev1', 'tr2').replace('11111111','31111111'), 0))
        step('tr1-shutdown', lambda: c.lookupByName('tr1').shutdown())
        step('tr2-destroy', lambda: c.lookupByName('tr2').destroy())
        step('test-suspend', lambda: c.lookupByName('test').suspend())
        step('test-destroy', lambda: c.lookupByName('test').destroy())
        step('test-undefine', lambda: c.lookupByName('test').undefine())
        shutil.rmtree(tmp)
        """;

    /// <summary>Networks, pools (including one on an FC adapter, whose vHBA comes and goes with it), volumes, node devices and secrets.</summary>
    private const string NetworkPoolNodeDeviceSecretCommands = """
        N = "<network><name>evnet</name><uuid>aaaaaaaa-2222-3333-4444-555555555555</uuid><bridge name='virbr9'/><ip address='192.168.77.1' netmask='255.255.255.0'><dhcp><range start='192.168.77.2' end='192.168.77.9'/></dhcp></ip></network>"
        step('net-define', lambda: c.networkDefineXML(N))
        step('net-redefine', lambda: c.networkDefineXML(N))
        n = c.networkLookupByName('evnet')
        step('net-autostart', lambda: n.setAutostart(1))
        step('net-start', lambda: n.create())
        step('net-update', lambda: n.update(libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, "<host mac='52:54:00:00:00:09' ip='192.168.77.5'/>", libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE|libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG))
        step('net-destroy', lambda: n.destroy())
        step('net-undefine', lambda: n.undefine())
        step('net-create', lambda: c.networkCreateXML(N.replace('evnet','evnet2')))
        step('net2-destroy', lambda: c.networkLookupByName('evnet2').destroy())
        step('default-destroy', lambda: c.networkLookupByName('default').destroy())
        step('default-start', lambda: c.networkLookupByName('default').create())
        P = "<pool type='dir'><name>evpool</name><uuid>bbbbbbbb-2222-3333-4444-555555555555</uuid><target><path>/tmp/evpool</path></target></pool>"
        step('pool-define', lambda: c.storagePoolDefineXML(P, 0))
        step('pool-redefine', lambda: c.storagePoolDefineXML(P, 0))
        p = c.storagePoolLookupByName('evpool')
        step('pool-autostart', lambda: p.setAutostart(1))
        step('pool-build', lambda: p.build(0))
        step('pool-start', lambda: p.create(0))
        step('pool-refresh', lambda: p.refresh(0))
        V = "<volume><name>v1.img</name><capacity>1048576</capacity><target><format type='raw'/></target></volume>"
        step('vol-create', lambda: p.createXML(V, 0))
        step('vol-clone', lambda: p.createXMLFrom(V.replace('v1.img','v2.img'), p.storageVolLookupByName('v1.img'), 0))
        step('vol-resize', lambda: p.storageVolLookupByName('v1.img').resize(2097152, 0))
        step('vol-wipe', lambda: p.storageVolLookupByName('v1.img').wipe(0))
        step('vol-delete', lambda: p.storageVolLookupByName('v1.img').delete(0))
        step('pool-destroy', lambda: p.destroy())
        step('pool-delete', lambda: p.delete(0))
        step('pool-undefine', lambda: p.undefine())
        step('pool-create', lambda: c.storagePoolCreateXML(P.replace('evpool','evpool2').replace('bbbbbbbb','cccccccc'), 0))
        step('pool2-destroy', lambda: c.storagePoolLookupByName('evpool2').destroy())
        step('pool-create-build', lambda: c.storagePoolCreateXML(P.replace('evpool','evpool3').replace('bbbbbbbb','dddddddd'), libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD))
        step('pool3-destroy', lambda: c.storagePoolLookupByName('evpool3').destroy())
        step('pool-define-build-start', lambda: c.storagePoolDefineXML(P.replace('evpool','evpool4').replace('bbbbbbbb','eeeeeeee'), 0))
        step('pool4-start-build', lambda: c.storagePoolLookupByName('evpool4').create(libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD))
        step('pool4-destroy', lambda: c.storagePoolLookupByName('evpool4').destroy())
        step('pool4-undefine', lambda: c.storagePoolLookupByName('evpool4').undefine())
        step('default-pool-destroy', lambda: c.storagePoolLookupByName('default-pool').destroy())
        step('default-pool-start', lambda: c.storagePoolLookupByName('default-pool').create(0))
        D = "<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'><wwnn>2000000012341234</wwnn><wwpn>1000000012341234</wwpn></capability></capability></device>"
        step('nodedev-create', lambda: c.nodeDeviceCreateXML(D, 0))
        step('nodedev-list', lambda: print(sorted(c.listDevices(None, 0)), flush=True))
        step('nodedev-destroy', lambda: c.nodeDeviceLookupByName('scsi_host12').destroy())
        FP = "<pool type='scsi'><name>vhba</name><source><adapter type='fc_host' parent='scsi_host11' wwnn='2000000012341234' wwpn='1000000012341234'/></source><target><path>/dev/disk/by-path</path></target></pool>"
        step('vhba-pool-create', lambda: c.storagePoolCreateXML(FP, 0))
        step('vhba-pool-destroy', lambda: c.storagePoolLookupByName('vhba').destroy())
        step('vhba-pool-define', lambda: c.storagePoolDefineXML(FP, 0))
        step('vhba-pool-start', lambda: c.storagePoolLookupByName('vhba').create(0))
        step('vhba-pool-destroy2', lambda: c.storagePoolLookupByName('vhba').destroy())
        step('vhba-pool-undefine', lambda: c.storagePoolLookupByName('vhba').undefine())
        S = "<secret ephemeral='no' private='no'><uuid>dddddddd-2222-3333-4444-555555555555</uuid><usage type='volume'><volume>/x</volume></usage></secret>"
        step('secret-define', lambda: c.secretDefineXML(S, 0))
        step('secret-set', lambda: c.secretLookupByUUIDString('dddddddd-2222-3333-4444-555555555555').setValue(b'abc', 0))
        step('secret-undefine', lambda: c.secretLookupByUUIDString('dddddddd-2222-3333-4444-555555555555').undefine())
        shutil.rmtree(tmp)
        """;

    /// <summary>Every on_poweroff/on_reboot/on_crash action against reboot, shutdown, crash dump and destroy; snapshot reverts between running, paused and shut-off states.</summary>
    private const string LifecycleActionsAndSnapshots = """
        def X(name, n, extra=''):
            return "<domain type='test'><name>%s</name><uuid>%d1111111-2222-3333-4444-555555555555</uuid><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os>%s</domain>" % (name, n, extra)
        acts = ['destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart']
        for i, a in enumerate(acts):
            step('def-' + a, lambda: c.defineXML(X('la%d' % i, i + 1, '<on_poweroff>%s</on_poweroff><on_reboot>%s</on_reboot><on_crash>%s</on_crash>' % (a if a in ('destroy','restart','preserve','rename-restart') else 'destroy', a if a in ('destroy','restart','preserve','rename-restart') else 'restart', a))))
            dd = c.lookupByName('la%d' % i)
            step('start-' + a, lambda: dd.create())
            step('reboot-' + a, lambda: dd.reboot(0))
            step('shutdown-' + a, lambda: dd.shutdown())
            step('shutdownflags-' + a, lambda: dd.shutdownFlags(0))
            step('dumpcrash-' + a, lambda: dd.coreDumpWithFormat(os.path.join(tmp, 'core'), 0, libvirt.VIR_DUMP_CRASH))
            step('destroy-' + a, lambda: dd.destroy())
            step('destroyflags-' + a, lambda: dd.destroyFlags(0))
            step('undefine-' + a, lambda: dd.undefine())
        step('tr-reboot-destroy', lambda: c.createXML(X('tr9', 9, '<on_reboot>destroy</on_reboot>'), 0))
        step('tr-reboot', lambda: c.lookupByName('tr9').reboot(0))
        step('tr-gone', lambda: c.lookupByName('tr9'))
        step('def-running-undefine', lambda: c.defineXML(X('ru', 8)))
        step('ru-start', lambda: c.lookupByName('ru').create())
        step('ru-undefine', lambda: c.lookupByName('ru').undefine())
        step('ru-redefine', lambda: c.defineXML(X('ru', 8)))
        step('ru-undefine2', lambda: c.lookupByName('ru').undefine())
        step('ru-destroy', lambda: c.lookupByName('ru').destroy())
        step('test-reboot', lambda: c.lookupByName('test').reboot(0))
        step('test-snap-running', lambda: c.lookupByName('test').snapshotCreateXML("<domainsnapshot><name>a</name></domainsnapshot>", 0))
        step('test-destroy', lambda: c.lookupByName('test').destroy())
        step('test-revert-running-snap', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('a'), 0))
        step('test-snap-off', lambda: c.lookupByName('test').snapshotCreateXML("<domainsnapshot><name>b</name></domainsnapshot>", 0))
        step('test-revert-a-from-running', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('a'), 0))
        step('test-revert-b-from-running', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('b'), 0))
        step('test-revert-b-running', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('b'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING))
        step('test-revert-b-paused', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('b'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED))
        step('test-revert-a-paused', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('a'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED))
        step('test-revert-a-force', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('a'), libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_FORCE))
        step('test-snap-live', lambda: c.lookupByName('test').snapshotCreateXML("<domainsnapshot><name>c</name></domainsnapshot>", libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_LIVE))
        step('test-snap-disk-only-halt', lambda: c.lookupByName('test').snapshotCreateXML("<domainsnapshot><name>d</name></domainsnapshot>", libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_HALT|libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY))
        step('test-revert-d', lambda: c.lookupByName('test').revertToSnapshot(c.lookupByName('test').snapshotLookupByName('d'), 0))
        step('test-snap-redefine', lambda: c.lookupByName('test').snapshotCreateXML(c.lookupByName('test').snapshotLookupByName('a').getXMLDesc(0), libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE))
        step('test-save-managed-snap', lambda: c.lookupByName('test').managedSave(0))
        step('test-snap-managed', lambda: c.lookupByName('test').snapshotCreateXML("<domainsnapshot><name>e</name></domainsnapshot>", 0))
        step('test-start-after', lambda: c.lookupByName('test').create())
        step('test-createwithfiles', lambda: c.createXMLWithFiles(X('wf', 7), [], 0))
        step('test-createwithfiles-dom', lambda: c.lookupByName('test').createWithFiles([], 0))
        step('test-suspend-suspend', lambda: c.lookupByName('test').suspend())
        step('test-suspend-again', lambda: c.lookupByName('test').suspend())
        step('test-resume-resume', lambda: c.lookupByName('test').resume())
        step('test-resume-again', lambda: c.lookupByName('test').resume())
        step('test-setlifecycle', lambda: c.lookupByName('test').setLifecycleAction(libvirt.VIR_DOMAIN_LIFECYCLE_REBOOT, libvirt.VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY, 0))
        step('test-reboot-after-action', lambda: c.lookupByName('test').reboot(0))
        step('define-update-running', lambda: c.defineXML(c.lookupByName('wf').XMLDesc(0)))
        step('define-flags-validate', lambda: c.defineXMLFlags(X('vv', 6), libvirt.VIR_DOMAIN_DEFINE_VALIDATE))
        shutil.rmtree(tmp)
        """;

    /// <summary>Defining and undefining domains while running or transient (ADDED versus UPDATED), renames, and redefining running networks and pools.</summary>
    private const string DefineUndefineCorners = """
        X = "<domain type='test'><name>t4</name><uuid>41111111-2222-3333-4444-555555555555</uuid><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        step('t4-createxml', lambda: c.createXML(X, 0))
        step('t4-define', lambda: c.defineXML(X))
        step('t4-define2', lambda: c.defineXML(X))
        step('t4-undefine', lambda: c.lookupByName('t4').undefine())
        step('t4-define3', lambda: c.defineXML(X))
        step('t4-destroy', lambda: c.lookupByName('t4').destroy())
        step('t4-define4', lambda: c.defineXML(X))
        step('t4-createxml-existing', lambda: c.createXML(X, 0))
        step('t4-define5', lambda: c.defineXML(X))
        step('t4-save', lambda: c.lookupByName('t4').save(os.path.join(tmp, 'save')))
        step('t4-undefine2', lambda: c.lookupByName('t4').undefine())
        step('t4-restore', lambda: c.restore(os.path.join(tmp, 'save')))
        step('t4-define6', lambda: c.defineXML(X))
        step('t4-destroy2', lambda: c.lookupByName('t4').destroy())
        step('t4-rename', lambda: c.lookupByName('t4').rename('t4b', 0))
        step('t4-rename-back', lambda: c.lookupByName('t4b').rename('t4', 0))
        step('t4-start', lambda: c.lookupByName('t4').create())
        step('t4-rename-running', lambda: c.lookupByName('t4').rename('t4c', 0))
        step('test-define-running', lambda: c.defineXML(c.lookupByName('test').XMLDesc(0)))
        step('net-define-running', lambda: c.networkDefineXML(c.networkLookupByName('default').XMLDesc(0)))
        step('net-undefine-running', lambda: c.networkLookupByName('default').undefine())
        step('net-destroy-transient', lambda: c.networkLookupByName('default').destroy())
        step('pool-undefine-running', lambda: c.storagePoolLookupByName('default-pool').undefine())
        step('pool-define-running', lambda: c.storagePoolDefineXML(c.storagePoolLookupByName('default-pool').XMLDesc(0), 0))
        step('pool-build-running', lambda: c.storagePoolLookupByName('default-pool').build(0))
        step('pool-delete-running', lambda: c.storagePoolLookupByName('default-pool').delete(0))
        step('pool-refresh-inactive', lambda: c.storagePoolLookupByName('default-pool').destroy())
        step('pool-refresh-inactive2', lambda: c.storagePoolLookupByName('default-pool').refresh(0))
        shutil.rmtree(tmp)
        """;

    /// <summary>Commands whose events reach only some of the filtered callbacks.</summary>
    private const string FilteredCommands = """
        X = "<domain type='test'><name>t5</name><uuid>51111111-2222-3333-4444-555555555555</uuid><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        step('t5-define', lambda: c.defineXML(X))
        step('t5-start', lambda: c.lookupByName('t5').create())
        step('t5-meta', lambda: c.lookupByName('t5').setMetadata(0, 'x', None, None, 0))
        step('test-meta', lambda: c.lookupByName('test').setMetadata(0, 'x', None, None, 0))
        step('test-suspend', lambda: c.lookupByName('test').suspend())
        step('dereg-legacy', lambda: lst.domainEventDeregister(legacy))
        step('test-resume', lambda: c.lookupByName('test').resume())
        step('dereg-test', lambda: lst.domainEventDeregisterAny(ids['dom-test']))
        step('dereg-test-again', lambda: lst.domainEventDeregisterAny(ids['dom-test']))
        step('test-suspend2', lambda: c.lookupByName('test').suspend())
        step('net-destroy', lambda: c.networkLookupByName('default').destroy())
        step('net-start', lambda: c.networkLookupByName('default').create())
        step('pool-destroy', lambda: c.storagePoolLookupByName('default-pool').destroy())
        step('dereg-pool-all', lambda: lst.storagePoolEventDeregisterAny(ids['pool-all']))
        step('pool-start', lambda: c.storagePoolLookupByName('default-pool').create(0))
        FP = "<pool type='scsi'><name>vhba</name><source><adapter type='fc_host' parent='scsi_host11' wwnn='2000000012341234' wwpn='1000000012341234'/></source><target><path>/dev/disk/by-path</path></target></pool>"
        step('vhba-pool-create', lambda: c.storagePoolCreateXML(FP, 0))
        step('vhba-pool-destroy', lambda: c.storagePoolLookupByName('vhba').destroy())
        step('t5-destroy', lambda: c.lookupByName('t5').destroy())
        shutil.rmtree(tmp)
        """;

    [Fact]
    public async Task DomainCommandsEmitTheSameEvents()
    {
        string output = await SameEventsAsync(EveryKind, DomainCommands);
        Assert.Contains("## save ok\n   LIFECYCLE ev1/-1 5 4\n## restore ok\n   LIFECYCLE ev1/5 2 2\n", output, StringComparison.Ordinal);
        Assert.Contains("## rename ok\n   LIFECYCLE ev1/-1 1 1\n   LIFECYCLE ev2/-1 0 2\n", output, StringComparison.Ordinal);
        Assert.Contains("METADATA_CHANGE ev1/2 2 'http://x/'", output, StringComparison.Ordinal);
        Assert.Contains("## snap-halt ok\n   LIFECYCLE ev1/-1 5 6\n", output, StringComparison.Ordinal);
        Assert.Contains("## tr2-destroy ok\n   LIFECYCLE tr2/18 5 1\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkPoolNodeDeviceAndSecretCommandsEmitTheSameEvents()
    {
        string output = await SameEventsAsync(EveryKind, NetworkPoolNodeDeviceSecretCommands);
        Assert.Contains("## net-start ok\n   NET evnet 2 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## pool-refresh ok\n   POOLREFRESH evpool \n", output, StringComparison.Ordinal);
        Assert.Contains("## vhba-pool-create ok\n   DEV scsi_host12 0 0\n   POOL vhba 2 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## vhba-pool-destroy2 ERR 53 ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LifecycleActionsAndSnapshotRevertsEmitTheSameEvents()
    {
        string output = await SameEventsAsync(EveryKind, LifecycleActionsAndSnapshots);
        Assert.Contains("## reboot-destroy ok\n   LIFECYCLE la0/-1 5 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## tr-reboot ok\n   LIFECYCLE tr9/8 5 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## test-revert-b-paused ok\n   LIFECYCLE test/-1 5 6\n   LIFECYCLE test/14 2 3\n   LIFECYCLE test/14 3 5\n", output, StringComparison.Ordinal);
        Assert.Contains("## define-update-running ok\n   LIFECYCLE wf/18 0 0\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefiningRunningAndTransientObjectsEmitsTheSameEvents()
    {
        string output = await SameEventsAsync(EveryKind, DefineUndefineCorners);
        Assert.Contains("## t4-define ok\n   LIFECYCLE t4/2 0 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## t4-define3 ok\n   LIFECYCLE t4/2 0 1\n", output, StringComparison.Ordinal);
        Assert.Contains("## t4-define6 ok\n   LIFECYCLE t4/4 0 0\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilteredAndLegacyCallbacksSeeTheSameEvents()
    {
        string output = await SameEventsAsync(Filtered, FilteredCommands);
        Assert.Contains("## test-suspend ok\n   TESTONLY test/1 3 0\n   ALL test/1 3 0\n   LEGACY test/1 3 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## test-suspend2 ok\n   ALL test/1 3 0\n", output, StringComparison.Ordinal);
        Assert.Contains("## dereg-test-again ERR 8 ", output, StringComparison.Ordinal);
    }

    private static async Task<string> SameEventsAsync(string registrations, string commands)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.PythonSameAsync(string.Join("\n", Listener, registrations, commands));
        Assert.StartsWith("exit 0\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("!! marker", output, StringComparison.Ordinal);
        return output;
    }
}
