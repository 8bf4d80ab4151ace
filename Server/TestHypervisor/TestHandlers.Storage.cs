using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Streams;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Storage pools and volumes, as libvirt's test driver serves them (plus in-memory volume upload/download).</summary>
internal sealed partial class TestHandlers
{
    private const int PoolEventDefined = 0;
    private const int PoolEventUndefined = 1;
    private const int PoolEventStarted = 2;
    private const int PoolEventStopped = 3;
    private const int PoolEventCreated = 4;
    private const int PoolEventDeleted = 5;

    public override ValueTask<ConnectNumOfStoragePoolsRet> ConnectNumOfStoragePoolsAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfStoragePoolsRet { Num = _state.Pools.Count(p => p.Active) });
        }
    }

    public override ValueTask<ConnectNumOfDefinedStoragePoolsRet> ConnectNumOfDefinedStoragePoolsAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfDefinedStoragePoolsRet { Num = _state.Pools.Count(p => !p.Active) });
        }
    }

    public override ValueTask<ConnectListStoragePoolsRet> ConnectListStoragePoolsAsync(ServerCall call, ConnectListStoragePoolsArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListStoragePoolsRet { Names = [.. _state.Pools.Where(p => p.Active).Take(Math.Max(0, args.Maxnames)).Select(p => p.Name)] });
        }
    }

    public override ValueTask<ConnectListDefinedStoragePoolsRet> ConnectListDefinedStoragePoolsAsync(ServerCall call, ConnectListDefinedStoragePoolsArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListDefinedStoragePoolsRet { Names = [.. _state.Pools.Where(p => !p.Active).Take(Math.Max(0, args.Maxnames)).Select(p => p.Name)] });
        }
    }

    public override ValueTask<ConnectListAllStoragePoolsRet> ConnectListAllStoragePoolsAsync(ServerCall call, ConnectListAllStoragePoolsArgs args)
    {
        TestFlags.Check(args.Flags, 0xFFFFF, "testConnectListAllStoragePools");
        uint types = args.Flags & ~0x3Fu;
        lock (_state.Gate)
        {
            NonnullStoragePool[] pools =
            [
                .. _state.Pools
                    .Where(p => TestFlags.Matches(args.Flags, p.Active, p.Persistent, p.Persistent && p.Autostart) && (types == 0 || (types & p.TypeFilterBit) != 0))
                    .Select(Wire),
            ];
            return new(new ConnectListAllStoragePoolsRet { Pools = args.NeedResults != 0 ? pools : [], Ret = (uint)pools.Length });
        }
    }

    public override ValueTask<ConnectFindStoragePoolSourcesRet> ConnectFindStoragePoolSourcesAsync(ServerCall call, ConnectFindStoragePoolSourcesArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testConnectFindStoragePoolSources");

        // libvirt's test driver mistakes the first pool type ("dir") for an unknown one.
        if (args.Type == "dir")
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Test, "internal error: unknown storage pool type dir");
        }

        string? host = null;
        if (args.SrcSpec is not null)
        {
            host = (string?)TestXml.ParseRoot(args.SrcSpec, "storage_source_specification", "source", ErrorDomain.Storage).Element("host")?.Attribute("name");
        }

        string xml = args.Type switch
        {
            "logical" => """
                <sources>
                  <source>
                    <device path='/dev/sda20'/>
                    <name>testvg1</name>
                    <format type='lvm2'/>
                  </source>
                  <source>
                    <device path='/dev/sda21'/>
                    <name>testvg2</name>
                    <format type='lvm2'/>
                  </source>
                </sources>

                """,
            "netfs" when host is not null => $"""
                <sources>
                  <source>
                    <host name='{host}'/>
                    <dir path='/testshare'/>
                    <format type='nfs'/>
                  </source>
                </sources>

                """,
            "netfs" => throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: hostname must be specified for netfs sources"),
            _ => throw new LibvirtErrorException(ErrorCode.NoSupport, ErrorDomain.Test, $"this function is not supported by the connection driver: pool type '{args.Type}' does not support source discovery"),
        };
        return new(new ConnectFindStoragePoolSourcesRet { Xml = xml });
    }

    public override ValueTask<StoragePoolLookupByNameRet> StoragePoolLookupByNameAsync(ServerCall call, StoragePoolLookupByNameArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolLookupByNameRet { Pool = Wire(_state.PoolByName(args.Name)) });
        }
    }

    public override ValueTask<StoragePoolLookupByUuidRet> StoragePoolLookupByUuidAsync(ServerCall call, StoragePoolLookupByUuidArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolLookupByUuidRet { Pool = Wire(_state.PoolByUuid(TestUuid.FromBytes(args.Uuid))) });
        }
    }

    public override ValueTask<StoragePoolLookupByVolumeRet> StoragePoolLookupByVolumeAsync(ServerCall call, StoragePoolLookupByVolumeArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolLookupByVolumeRet { Pool = Wire(_state.PoolByName(args.Vol.Pool)) });
        }
    }

    public override ValueTask<StoragePoolCreateXmlRet> StoragePoolCreateXmlAsync(ServerCall call, StoragePoolCreateXmlArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolCreateXML");
        TestStoragePool def = TestStoragePool.Parse(args.Xml);
        NonnullStoragePool wire;
        string? vport;
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.AssignPool(def, checkLive: true);
            try
            {
                vport = CreatePoolVportLocked(pool);
            }
            catch (LibvirtErrorException)
            {
                _state.Pools.Remove(pool);
                throw;
            }

            pool.Capacity = TestStoragePool.DefaultCapacity;
            pool.Allocation = 0;
            pool.Persistent = false;
            pool.Active = true;
            wire = Wire(pool);
        }

        PublishNodeDevice(call, vport, NodeDeviceEventCreated);
        PublishPool(call, wire, PoolEventStarted);
        return new(new StoragePoolCreateXmlRet { Pool = wire });
    }

    public override ValueTask<StoragePoolDefineXmlRet> StoragePoolDefineXmlAsync(ServerCall call, StoragePoolDefineXmlArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testStoragePoolDefineXML");
        TestStoragePool def = TestStoragePool.Parse(args.Xml);
        NonnullStoragePool wire;
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.AssignPool(def, checkLive: false);
            pool.Capacity = TestStoragePool.DefaultCapacity;
            pool.Allocation = 0;
            pool.Persistent = true;
            wire = Wire(pool);
        }

        PublishPool(call, wire, PoolEventDefined);
        return new(new StoragePoolDefineXmlRet { Pool = wire });
    }

    public override ValueTask StoragePoolCreateAsync(ServerCall call, StoragePoolCreateArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolCreate");
        lock (_state.Gate)
        {
            _state.InactivePool(args.Pool.Name).Active = true;
        }

        PublishPool(call, args.Pool, PoolEventStarted);
        return default;
    }

    public override ValueTask StoragePoolBuildAsync(ServerCall call, StoragePoolBuildArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolBuild");
        lock (_state.Gate)
        {
            _state.InactivePool(args.Pool.Name);
        }

        PublishPool(call, args.Pool, PoolEventCreated);
        return default;
    }

    public override ValueTask StoragePoolDestroyAsync(ServerCall call, StoragePoolDestroyArgs args)
    {
        NonnullStoragePool wire;
        string? vport;
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Pool.Name);
            pool.Active = false;
            vport = DestroyPoolVportLocked(pool);
            wire = Wire(pool);
            if (!pool.Persistent)
            {
                _state.Pools.Remove(pool);
            }
        }

        PublishNodeDevice(call, vport, NodeDeviceEventDeleted);
        PublishPool(call, wire, PoolEventStopped);
        return default;
    }

    public override ValueTask StoragePoolDeleteAsync(ServerCall call, StoragePoolDeleteArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolDelete");
        lock (_state.Gate)
        {
            _state.InactivePool(args.Pool.Name);
        }

        PublishPool(call, args.Pool, PoolEventDeleted);
        return default;
    }

    public override ValueTask StoragePoolUndefineAsync(ServerCall call, StoragePoolUndefineArgs args)
    {
        lock (_state.Gate)
        {
            _state.Pools.Remove(_state.InactivePool(args.Pool.Name));
        }

        PublishPool(call, args.Pool, PoolEventUndefined);
        return default;
    }

    public override ValueTask StoragePoolRefreshAsync(ServerCall call, StoragePoolRefreshArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolRefresh");
        lock (_state.Gate)
        {
            _state.ActivePool(args.Pool.Name);
        }

        call.Server.Events.PublishStoragePoolEvent(1, args.Pool.Uuid, new StoragePoolEventRefreshMsg { Pool = args.Pool });
        return default;
    }

    public override ValueTask<StoragePoolGetInfoRet> StoragePoolGetInfoAsync(ServerCall call, StoragePoolGetInfoArgs args)
    {
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.PoolByName(args.Pool.Name);
            return new(new StoragePoolGetInfoRet
            {
                State = (byte)(pool.Active ? 2 : 0),
                Capacity = pool.Capacity,
                Allocation = pool.Allocation,
                Available = pool.Available,
            });
        }
    }

    public override ValueTask<StoragePoolGetXmlDescRet> StoragePoolGetXmlDescAsync(ServerCall call, StoragePoolGetXmlDescArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolGetXMLDesc");
        lock (_state.Gate)
        {
            return new(new StoragePoolGetXmlDescRet { Xml = _state.PoolByName(args.Pool.Name).Format() });
        }
    }

    public override ValueTask<StoragePoolGetAutostartRet> StoragePoolGetAutostartAsync(ServerCall call, StoragePoolGetAutostartArgs args)
    {
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.PoolByName(args.Pool.Name);
            return new(new StoragePoolGetAutostartRet { Autostart = pool.Persistent && pool.Autostart ? 1 : 0 });
        }
    }

    public override ValueTask StoragePoolSetAutostartAsync(ServerCall call, StoragePoolSetAutostartArgs args)
    {
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.PoolByName(args.Pool.Name);
            if (!pool.Persistent)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: pool has no config file");
            }

            pool.Autostart = args.Autostart != 0;
        }

        return default;
    }

    public override ValueTask<StoragePoolIsActiveRet> StoragePoolIsActiveAsync(ServerCall call, StoragePoolIsActiveArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolIsActiveRet { Active = _state.PoolByUuid(TestUuid.FromBytes(args.Pool.Uuid)).Active ? 1 : 0 });
        }
    }

    public override ValueTask<StoragePoolIsPersistentRet> StoragePoolIsPersistentAsync(ServerCall call, StoragePoolIsPersistentArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolIsPersistentRet { Persistent = _state.PoolByUuid(TestUuid.FromBytes(args.Pool.Uuid)).Persistent ? 1 : 0 });
        }
    }

    public override ValueTask<StoragePoolNumOfVolumesRet> StoragePoolNumOfVolumesAsync(ServerCall call, StoragePoolNumOfVolumesArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolNumOfVolumesRet { Num = _state.ActivePool(args.Pool.Name).Volumes.Count });
        }
    }

    public override ValueTask<StoragePoolListVolumesRet> StoragePoolListVolumesAsync(ServerCall call, StoragePoolListVolumesArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StoragePoolListVolumesRet { Names = [.. _state.ActivePool(args.Pool.Name).Volumes.Take(Math.Max(0, args.Maxnames)).Select(v => v.Name)] });
        }
    }

    public override ValueTask<StoragePoolListAllVolumesRet> StoragePoolListAllVolumesAsync(ServerCall call, StoragePoolListAllVolumesArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStoragePoolListAllVolumes");
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.PoolByUuid(TestUuid.FromBytes(args.Pool.Uuid));
            if (!pool.Active)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: storage pool is not active");
            }

            NonnullStorageVol[] vols = [.. pool.Volumes.Select(v => Wire(pool, v))];
            return new(new StoragePoolListAllVolumesRet { Vols = args.NeedResults != 0 ? vols : [], Ret = (uint)vols.Length });
        }
    }

    public override ValueTask<StorageVolLookupByNameRet> StorageVolLookupByNameAsync(ServerCall call, StorageVolLookupByNameArgs args)
    {
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Pool.Name);
            return new(new StorageVolLookupByNameRet { Vol = Wire(pool, TestState.VolumeByName(pool, args.Name)) });
        }
    }

    public override ValueTask<StorageVolLookupByKeyRet> StorageVolLookupByKeyAsync(ServerCall call, StorageVolLookupByKeyArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StorageVolLookupByKeyRet { Vol = FindVolume(v => v.Path == args.Key) ?? throw new LibvirtErrorException(ErrorCode.NoStorageVol, ErrorDomain.Test, $"Storage volume not found: no storage vol with matching key '{args.Key}'") });
        }
    }

    public override ValueTask<StorageVolLookupByPathRet> StorageVolLookupByPathAsync(ServerCall call, StorageVolLookupByPathArgs args)
    {
        lock (_state.Gate)
        {
            return new(new StorageVolLookupByPathRet { Vol = FindVolume(v => v.Path == args.Path) ?? throw new LibvirtErrorException(ErrorCode.NoStorageVol, ErrorDomain.Test, $"Storage volume not found: no storage vol with matching path '{args.Path}'") });
        }
    }

    public override ValueTask<StorageVolCreateXmlRet> StorageVolCreateXmlAsync(ServerCall call, StorageVolCreateXmlArgs args)
    {
        TestFlags.Check(args.Flags, 4, "testStorageVolCreateXML");
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Pool.Name);
            TestStorageVolume volume = AddVolume(pool, args.Xml, clone: null, args.Flags);
            return new(new StorageVolCreateXmlRet { Vol = Wire(pool, volume) });
        }
    }

    public override ValueTask<StorageVolCreateXmlFromRet> StorageVolCreateXmlFromAsync(ServerCall call, StorageVolCreateXmlFromArgs args)
    {
        TestFlags.Check(args.Flags, 4, "testStorageVolCreateXMLFrom");
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Pool.Name);
            TestStorageVolume volume = AddVolume(pool, args.Xml, args.Clonevol.Name, args.Flags);
            return new(new StorageVolCreateXmlFromRet { Vol = Wire(pool, volume) });
        }
    }

    public override ValueTask StorageVolDeleteAsync(ServerCall call, StorageVolDeleteArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStorageVolDelete");
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
            TestStorageVolume volume = TestState.VolumeByName(pool, args.Vol.Name);
            pool.Allocation -= volume.Allocation;
            pool.Volumes.Remove(volume);
        }

        return default;
    }

    public override ValueTask<StorageVolGetInfoRet> StorageVolGetInfoAsync(ServerCall call, StorageVolGetInfoArgs args)
    {
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
            TestStorageVolume volume = TestState.VolumeByName(pool, args.Vol.Name);
            return new(new StorageVolGetInfoRet { Type = (sbyte)pool.VolumeType, Capacity = volume.Capacity, Allocation = volume.Allocation });
        }
    }

    public override ValueTask<StorageVolGetXmlDescRet> StorageVolGetXmlDescAsync(ServerCall call, StorageVolGetXmlDescArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testStorageVolGetXMLDesc");
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
            return new(new StorageVolGetXmlDescRet { Xml = TestState.VolumeByName(pool, args.Vol.Name).FormatXml(pool) });
        }
    }

    public override ValueTask<StorageVolGetPathRet> StorageVolGetPathAsync(ServerCall call, StorageVolGetPathArgs args)
    {
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
            return new(new StorageVolGetPathRet { Name = TestState.VolumeByName(pool, args.Vol.Name).Path });
        }
    }

    // libvirt's test driver has no volume streams (VIR_ERR_NO_SUPPORT); this one serves the bytes it keeps in memory.
    public override ValueTask StorageVolDownloadAsync(ServerCall call, StorageVolDownloadArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testStorageVolDownload");
        byte[] content;
        ulong end;
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
            TestStorageVolume volume = TestState.VolumeByName(pool, args.Vol.Name);
            content = volume.Content;
            end = args.Length == 0 || args.Offset + args.Length > volume.Capacity ? volume.Capacity : args.Offset + args.Length;
        }

        ulong offset = Math.Min(args.Offset, end);
        ServerStream stream = call.Stream;
        stream.HolesAllowed = (args.Flags & 1) != 0;
        stream.Start(async (s, ct) =>
        {
            ulong position = offset;
            if (position < (ulong)content.Length)
            {
                int take = (int)(Math.Min(end, (ulong)content.Length) - position);
                await s.WriteAsync(content.AsMemory((int)position, take), ct).ConfigureAwait(false);
                position += (ulong)take;
            }

            if (position < end && s.HolesAllowed)
            {
                await s.SendHoleAsync((long)(end - position), ct).ConfigureAwait(false);
                return;
            }

            byte[] zeros = new byte[ServerStream.MaxChunk];
            while (position < end)
            {
                int take = (int)Math.Min((ulong)zeros.Length, end - position);
                await s.WriteAsync(zeros.AsMemory(0, take), ct).ConfigureAwait(false);
                position += (ulong)take;
            }
        });
        return default;
    }

    public override ValueTask StorageVolUploadAsync(ServerCall call, StorageVolUploadArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testStorageVolUpload");
        ulong capacity;
        lock (_state.Gate)
        {
            TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
            capacity = TestState.VolumeByName(pool, args.Vol.Name).Capacity;
        }

        if (args.Offset > capacity)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: offset {args.Offset} is beyond the volume's capacity {capacity}");
        }

        ulong limit = args.Length == 0 || args.Offset + args.Length > capacity ? capacity : args.Offset + args.Length;
        ServerStream stream = call.Stream;
        stream.HolesAllowed = (args.Flags & 1) != 0;
        stream.Start(async (s, ct) =>
        {
            using var received = new MemoryStream();
            ulong position = args.Offset;
            var pieces = new List<(ulong At, byte[] Data)>();
            while (true)
            {
                StreamChunk chunk = await s.ReadAsync(ct).ConfigureAwait(false);
                if (chunk.IsEnd)
                {
                    break;
                }

                ulong length = chunk.IsHole ? (ulong)chunk.HoleLength : (ulong)chunk.Data.Length;
                if (position + length > limit)
                {
                    throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: upload of {position + length - args.Offset} bytes exceeds the volume '{args.Vol.Name}'");
                }

                if (!chunk.IsHole)
                {
                    pieces.Add((position, chunk.Data.ToArray()));
                }

                position += length;
            }

            lock (_state.Gate)
            {
                TestStoragePool pool = _state.ActivePool(args.Vol.Pool);
                TestStorageVolume volume = TestState.VolumeByName(pool, args.Vol.Name);
                ulong newLength = Math.Max((ulong)volume.Content.Length, pieces.Count == 0 ? 0 : pieces.Max(p => p.At + (ulong)p.Data.Length));
                byte[] content = volume.Content;
                if (newLength > (ulong)content.Length)
                {
                    Array.Resize(ref content, (int)newLength);
                }
                else
                {
                    content = (byte[])content.Clone();
                }

                foreach ((ulong at, byte[] data) in pieces)
                {
                    data.CopyTo(content, (int)at);
                }

                volume.Content = content;
            }
        });
        return default;
    }

    private static NonnullStoragePool Wire(TestStoragePool pool) => new() { Name = pool.Name, Uuid = TestUuid.ToBytes(pool.Uuid) };

    private static NonnullStorageVol Wire(TestStoragePool pool, TestStorageVolume volume) => new() { Pool = pool.Name, Name = volume.Name, Key = volume.Path };

    private static void PublishPool(ServerCall call, NonnullStoragePool pool, int lifecycleEvent)
        => call.Server.Events.PublishStoragePoolEvent(0, pool.Uuid, new StoragePoolEventLifecycleMsg { Pool = pool, Event = lifecycleEvent, Detail = 0 });

    private NonnullStorageVol? FindVolume(Func<TestStorageVolume, bool> match)
    {
        foreach (TestStoragePool pool in _state.Pools)
        {
            if (pool.Active && pool.Volumes.Find(v => match(v)) is TestStorageVolume volume)
            {
                return Wire(pool, volume);
            }
        }

        return null;
    }

    // Call under the gate. The test driver checks the pool's free space against the new volume's allocation.
    private static TestStorageVolume AddVolume(TestStoragePool pool, string xml, string? clone, uint flags)
    {
        if ((flags & 4) != 0)
        {
            // The test driver hands the validate flag on to libvirt's volume parser, which reads the document and then
            // refuses the flag.
            TestXml.ParseRoot(xml, "storage_volume_definition", "volume", ErrorDomain.Storage);
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Storage, "unsupported flags (0x4) in function virStorageVolDefParseXML");
        }

        TestStorageVolume volume = TestStorageVolume.Parse(xml, pool);
        if (pool.Volumes.Exists(v => v.Name == volume.Name))
        {
            throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Test, "operation failed: storage vol already exists");
        }

        TestStorageVolume? source = null;
        if (clone is not null)
        {
            source = pool.Volumes.Find(v => v.Name == clone) ?? throw new LibvirtErrorException(ErrorCode.NoStorageVol, ErrorDomain.Test, $"Storage volume not found: no storage vol with matching name '{clone}'");
        }

        if (pool.Allocation + volume.Allocation > pool.Capacity)
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Test, $"internal error: Not enough free space in pool for volume '{volume.Name}'");
        }

        if (source is not null)
        {
            volume.Content = source.Content.Length <= (long)volume.Capacity ? source.Content : source.Content[..(int)volume.Capacity];
        }

        pool.Volumes.Add(volume);
        pool.Allocation += volume.Allocation;
        return volume;
    }
}
