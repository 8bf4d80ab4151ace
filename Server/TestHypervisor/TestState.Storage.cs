using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Storage pools and their volumes.</summary>
public sealed partial class TestState
{
    /// <summary>Pools in definition order; guarded by <see cref="Gate"/>.</summary>
    internal List<TestStoragePool> Pools { get; } = [];

    /// <summary>The pool named <paramref name="name"/>, or libvirt's not-found error. Call under <see cref="Gate"/>.</summary>
    internal TestStoragePool PoolByName(string name)
        => Pools.Find(p => p.Name == name)
           ?? throw new LibvirtErrorException(ErrorCode.NoStoragePool, ErrorDomain.Test, $"Storage pool not found: no storage pool with matching name '{name}'");

    /// <summary>The pool with <paramref name="uuid"/>, or libvirt's not-found error. Call under <see cref="Gate"/>.</summary>
    internal TestStoragePool PoolByUuid(Guid uuid)
        => Pools.Find(p => p.Uuid == uuid)
           ?? throw new LibvirtErrorException(ErrorCode.NoStoragePool, ErrorDomain.Test, $"Storage pool not found: no storage pool with matching uuid '{TestUuid.Format(uuid)}'");

    /// <summary>A running pool by name, with the test driver's error for one that is stopped.</summary>
    internal TestStoragePool ActivePool(string name)
    {
        TestStoragePool pool = PoolByName(name);
        return pool.Active ? pool : throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: storage pool '{name}' is not active");
    }

    /// <summary>A stopped pool by name, with the test driver's error for one that runs.</summary>
    internal TestStoragePool InactivePool(string name)
    {
        TestStoragePool pool = PoolByName(name);
        return !pool.Active ? pool : throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: storage pool '{name}' is active");
    }

    /// <summary>A volume of a running pool by name.</summary>
    internal static TestStorageVolume VolumeByName(TestStoragePool pool, string name)
        => pool.Volumes.Find(v => v.Name == name)
           ?? throw new LibvirtErrorException(ErrorCode.NoStorageVol, ErrorDomain.Test, $"Storage volume not found: no storage vol with matching name '{name}'");

    /// <summary>
    /// Adds a pool the way libvirt's pool list does (a known UUID must keep its name, a known name its UUID) and
    /// returns the pool now in the list. Call under <see cref="Gate"/>.
    /// </summary>
    internal TestStoragePool AssignPool(TestStoragePool def, bool checkLive)
    {
        CheckPoolSourceConflict(def);
        TestStoragePool? existing = Pools.Find(p => p.Uuid == def.Uuid);
        if (existing is not null)
        {
            if (existing.Name != def.Name)
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Storage, $"operation failed: pool '{existing.Name}' is already defined with uuid {TestUuid.Format(existing.Uuid)}");
            }

            if (checkLive && existing.Active)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Storage, $"Requested operation is not valid: pool is already active as '{existing.Name}'");
            }

            // Redefinition replaces the definition but keeps state and volumes.
            var replacement = new TestStoragePool
            {
                Type = def.Type,
                Name = def.Name,
                Uuid = def.Uuid,
                TargetPath = def.TargetPath,
                TargetPermissions = def.TargetPermissions,
                Source = def.Source,
                CowFeature = def.CowFeature,
                RefreshAllocation = def.RefreshAllocation,
                Capacity = existing.Capacity,
                Allocation = existing.Allocation,
                Active = existing.Active,
                Persistent = existing.Persistent,
                Autostart = existing.Autostart,
            };
            replacement.Volumes.AddRange(existing.Volumes);
            Pools[Pools.IndexOf(existing)] = replacement;
            return replacement;
        }

        if (Pools.Find(p => p.Name == def.Name) is TestStoragePool sameName)
        {
            throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Storage, $"operation failed: pool '{def.Name}' already exists with uuid {TestUuid.Format(sameName.Uuid)}");
        }

        Pools.Add(def);
        return def;
    }

    partial void InitializeStorage()
    {
        Pools.Add(new TestStoragePool
        {
            Type = "dir",
            Name = "default-pool",
            Uuid = new Guid("dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566"),
            TargetPath = "/default-pool",
            Active = true,
            Persistent = true,
        });
    }
}
