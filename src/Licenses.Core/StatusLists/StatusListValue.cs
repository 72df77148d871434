namespace ElectronicLicense.Licenses.StatusLists;

/// <summary>The 2-bit value a status list holds for one license version.</summary>
/// <remarks>Expiry is not a status-list value: the offline payload carries the validity and its own expiry.</remarks>
public enum StatusListValue
{
    /// <summary>00: valid (also the value of unallocated entries, which no payload names).</summary>
    Valid = 0,

    /// <summary>01: suspended (暂停); may become valid again.</summary>
    Suspended = 1,

    /// <summary>10: revoked (注销/吊销/撤销): final.</summary>
    Revoked = 2,

    /// <summary>11: this version was replaced by a newer one after a 变更; the license itself may still be valid.</summary>
    Superseded = 3,
}
