using ElectronicLicense.Licenses.Lifecycle;

namespace ElectronicLicense.Licenses.Persistence;

/// <summary>Maps the <see cref="License"/> aggregate to and from its rows: licenses, license_versions and license_status_changes.</summary>
/// <remarks>The aggregate decides and the services write: these methods copy what it decided into tracked rows and decide nothing themselves.</remarks>
internal static class LicenseMapping
{
    /// <summary>Rebuilds the aggregate from a license row loaded with its versions.</summary>
    public static License ToLicense(this LicenseRecord record) =>
        License.Restore(
            record.Number,
            new LicenseHolder(record.HolderCode, record.HolderName, record.HolderCodeType),
            record.Status,
            record.CurrentVersion,
            record.Versions.Select(v => new LicenseVersion(v.LicenseId, v.ContentSha256, v.IssueDate, v.ValidFrom, v.ValidUntil, v.ChangeReason, v.StoredAtUtc, v.SupersededAtUtc)),
            record.CreatedAtUtc,
            record.UpdatedAtUtc);

    /// <summary>A version row for a version the aggregate made; the caller adds what the rules do not keep (the source file).</summary>
    public static LicenseVersionRecord ToRecord(this LicenseVersion version, string dataJson, string pushedBy) => new()
    {
        Version = version.Number,
        LicenseId = version.Id,
        ContentSha256 = version.ContentSha256,
        DataJson = dataJson,
        IssueDate = version.IssueDate,
        ValidFrom = version.ValidFrom,
        ValidUntil = version.ValidUntil,
        ChangeReason = version.ChangeReason,
        PushedBy = pushedBy,
        StoredAtUtc = version.StoredAtUtc,
        SupersededAtUtc = version.SupersededAtUtc,
    };

    /// <summary>A new license row holding <paramref name="first"/> (the row of <see cref="LicenseCreation.Version"/>) and the 颁发 entry.</summary>
    public static LicenseRecord ToRecord(this LicenseCreation created, LicenseVersionRecord first)
    {
        var license = created.License;
        return new LicenseRecord
        {
            TypeCode = license.TypeCode,
            IssuerCode = license.Issuer.Value,
            Serial = license.Serial,
            Number = license.Number,
            HolderCode = license.Holder.Code,
            HolderName = license.Holder.Name,
            HolderCodeType = license.Holder.CodeType,
            Status = license.Status,
            CurrentVersion = license.Current.Number,
            CreatedAtUtc = license.CreatedAtUtc,
            UpdatedAtUtc = license.UpdatedAtUtc,
            Versions = [first],
            StatusChanges = [created.Issued.ToRecord()],
        };
    }

    /// <summary>Writes a 变更 into the row: the superseded version, <paramref name="added"/> (the row of the new version), the current version and the holder's name.</summary>
    public static void Apply(this LicenseRecord record, License license, LicenseRevision revision, LicenseVersionRecord added)
    {
        if (revision.Outcome != RevisionOutcome.NewVersion)
        {
            throw new ArgumentException("Only a new version changes the license's rows.", nameof(revision));
        }

        var superseded = revision.Superseded!;
        record.Versions.Single(v => v.Version == superseded.Number).SupersededAtUtc = superseded.SupersededAtUtc;
        record.Versions.Add(added);
        record.CurrentVersion = license.Current.Number;
        record.HolderName = license.Holder.Name;
        record.UpdatedAtUtc = license.UpdatedAtUtc;
    }

    /// <summary>Writes a status change into the row and appends it to the status history.</summary>
    public static void Apply(this LicenseRecord record, License license, StatusChange change)
    {
        record.Status = license.Status;
        record.UpdatedAtUtc = license.UpdatedAtUtc;
        record.StatusChanges.Add(change.ToRecord());
    }

    private static StatusChangeRecord ToRecord(this StatusChange change) => new()
    {
        FromStatus = change.From,
        ToStatus = change.To,
        ReasonCode = change.ReasonCode,
        Note = change.Note,
        ByDepartment = change.ByDepartment.Value,
        AtUtc = change.AtUtc,
    };
}
