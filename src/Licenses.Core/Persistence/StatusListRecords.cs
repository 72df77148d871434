namespace ElectronicLicense.Licenses.Persistence;

/// <summary>One status list: a bitstring of 2-bit entries and the map of which entries are taken.</summary>
internal sealed class StatusListRecord
{
    /// <summary>1, 2, …: assigned in order as lists fill.</summary>
    public int Id { get; set; }

    /// <summary>Number of entries.</summary>
    public int Size { get; set; }

    /// <summary>Size × 2 bits, entry i in bits 2i and 2i+1 counted from the most significant bit of byte 0.</summary>
    public required byte[] Bits { get; set; }

    /// <summary>Size bits, MSB first: 1 when the entry is allocated to a license version.</summary>
    public required byte[] Allocated { get; set; }

    public int Used { get; set; }
    public bool Full { get; set; }

    /// <summary>Incremented on every change; the optimistic-concurrency token.</summary>
    public long Revision { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>The status-list entry of one license version, and the offline payload signed for it.</summary>
internal sealed class StatusListEntryRecord
{
    public long Id { get; set; }
    public int StatusListId { get; set; }
    public int Index { get; set; }
    public long LicenseVersionRecordId { get; set; }
    public LicenseVersionRecord? Version { get; set; }

    /// <summary>The <c>ELIC1:</c> text printed on the version's documents.</summary>
    public string? OfflinePayload { get; set; }
}
