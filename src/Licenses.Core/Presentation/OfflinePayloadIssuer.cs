using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.StatusLists;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>At 归集: gives every new license version a status-list entry and signs its offline payload, inside the ingest transaction.</summary>
internal sealed class OfflinePayloadIssuer(PresentationKeys keys, StatusListStore statusLists, IOptions<PresentationOptions> options)
{
    private readonly TimeSpan lifetime = TimeSpan.FromDays(Math.Max(1, options.Value.PayloadLifetimeDays));

    /// <summary>Allocates entries for <paramref name="fresh"/> versions, marks versions they supersede, and returns each version's payload text.</summary>
    public async Task<IReadOnlyDictionary<LicenseVersionRecord, string>> PrepareAsync(
        RegistryDbContext db, IReadOnlyList<(LicenseRecord License, LicenseVersionRecord Version)> fresh, DateTime now, CancellationToken cancellationToken)
    {
        var payloads = new Dictionary<LicenseVersionRecord, string>(fresh.Count, ReferenceEqualityComparer.Instance);
        if (fresh.Count == 0)
        {
            return payloads;
        }

        var entries = await statusLists.AllocateAsync(db, fresh, now, cancellationToken);
        foreach (var license in fresh.Select(f => f.License).Distinct().Where(l => l.Versions.Count > 1))
        {
            await statusLists.RefreshAsync(db, license, now, cancellationToken);
        }

        var (key, signer) = keys.Active;
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(new DateTimeOffset(now, TimeSpan.Zero).ToUnixTimeSeconds());
        for (var i = 0; i < fresh.Count; i++)
        {
            var (license, version) = fresh[i];
            var lastValidInstant = version.ValidUntil is { } until
                ? new DateTimeOffset(until.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddSeconds(-1)
                : DateTimeOffset.MaxValue;
            var expiresAt = issuedAt + lifetime < lastValidInstant ? issuedAt + lifetime : lastValidInstant;
            if (expiresAt < issuedAt)
            {
                expiresAt = issuedAt;
            }

            var payload = OfflinePayload.Create(new OfflinePayloadFields
            {
                Algorithm = key.Algorithm,
                KeyId = key.KeyId,
                LicenseId = version.LicenseId.Value,
                ContentSha256 = version.ContentSha256,
                TypeCode = license.TypeCode.Value,
                IssuerCode = license.IssuerCode,
                ValidFrom = version.ValidFrom,
                ValidUntil = version.ValidUntil,
                Status = StatusListStore.ValueOf(license, version),
                IssuedAt = issuedAt,
                ExpiresAt = expiresAt,
                StatusListId = (uint)entries[i].StatusListId,
                StatusIndex = (uint)entries[i].Index,
            }, body => signer.Sign(body));
            entries[i].OfflinePayload = payload.Text;
            payloads[version] = payload.Text;
        }

        return payloads;
    }
}
