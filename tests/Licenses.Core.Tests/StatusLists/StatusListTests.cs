using ElectronicLicense.Licenses.Lifecycle;
using System.IO.Compression;
using System.Text.Json.Nodes;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.StatusLists;
using ElectronicLicense.Licenses.Tests.Ingest;
using ElectronicLicense.Licenses.Tests.Issuance;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.StatusLists;

public class StatusListTests(IssuanceRegistry registry) : IClassFixture<IssuanceRegistry>
{
    private RegistryPresentation Presentation => registry.Services.GetRequiredService<RegistryPresentation>();

    private async Task<(LicenseId Id, DepartmentIdentity Issuer, JObject Body)> IssueAsync()
    {
        var body = Submissions.Sample("business-license-1.json");
        body[MetadataNames.Number] = "QR" + Guid.NewGuid().ToString("N")[..18].ToUpperInvariant();
        var caller = await registry.ActAsAsync((string)body[MetadataNames.IssuerCode]!, DepartmentRole.Issuer);
        var pushed = await registry.Ingest.IngestAsync(caller, body.ToString());
        return (pushed.LicenseId!, caller, body);
    }

    private async Task<OfflinePayload> PayloadAsync(LicenseId id)
    {
        var text = await Presentation.OfflinePayloadAsync(id);
        Assert.True(OfflinePayload.TryParse(text, out var payload), text);
        return payload;
    }

    private async Task<(TrustList Trust, StatusList List)> ListsAsync(uint id)
    {
        Assert.True(TrustList.TryParse(Presentation.TrustListDocument().ToJsonString(), out var trust));
        var document = await Presentation.StatusListDocumentAsync((int)id);
        Assert.NotNull(document);
        Assert.True(StatusList.TryParse(document.ToJsonString(), out var list));
        return (trust, list);
    }

    [Fact]
    public async Task An_issued_license_has_a_payload_that_verifies_offline_with_a_fresh_status_list()
    {
        var (id, caller, body) = await IssueAsync();
        var payload = await PayloadAsync(id);
        var version = (await registry.Queries.GetAsync(caller, id)).Versions.Single();

        Assert.Equal(id.Value, payload.Fields.LicenseId);
        Assert.Equal(version.ContentSha256, payload.Fields.ContentSha256);
        Assert.Equal(id.TypeCode.Value, payload.Fields.TypeCode);
        Assert.Equal(id.Issuer.Value, payload.Fields.IssuerCode);
        Assert.Equal(StatusListValue.Valid, payload.Fields.Status);

        // The QR is printed on paper: it names the license, never its holder.
        var holder = (string)body[MetadataNames.HolderCode]!;
        Assert.DoesNotContain(holder, payload.Fields.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(holder, System.Text.Encoding.UTF8.GetString(payload.SignedBytes), StringComparison.Ordinal);

        var (trust, list) = await ListsAsync(payload.Fields.StatusListId);
        var report = OfflinePayloadVerifier.Verify(payload.Text, trust, list, registry.Clock.GetUtcNow(), Presentation.TrustListKeyId);
        Assert.True(report.Verdict == Indication.TotalPassed, string.Join("; ", report.Checks.Select(c => $"{c.Name} {c.Result} {c.Detail}")));
        Assert.Equal(StatusListValue.Valid, report.CurrentStatus);
    }

    [Fact]
    public async Task Revoking_a_license_flips_its_entry_and_only_its_entry()
    {
        var (revokedId, caller, _) = await IssueAsync();
        var (keptId, _, _) = await IssueAsync();
        var revoked = await PayloadAsync(revokedId);
        var kept = await PayloadAsync(keptId);
        Assert.NotEqual((revoked.Fields.StatusListId, revoked.Fields.StatusIndex), (kept.Fields.StatusListId, kept.Fields.StatusIndex));

        var lifecycle = registry.Services.GetRequiredService<LifecycleService>();
        await lifecycle.ChangeStatusAsync(caller, revokedId, LifecycleAction.Suspend, "suspended-by-authority", null);
        var (_, suspendedList) = await ListsAsync(revoked.Fields.StatusListId);
        Assert.Equal(StatusListValue.Suspended, suspendedList[revoked.Fields.StatusIndex]);

        await lifecycle.ChangeStatusAsync(caller, revokedId, LifecycleAction.Revoke, "cancelled", null);
        var (trust, list) = await ListsAsync(revoked.Fields.StatusListId);
        Assert.Equal(StatusListValue.Revoked, list[revoked.Fields.StatusIndex]);
        var (_, keptList) = await ListsAsync(kept.Fields.StatusListId);
        Assert.Equal(StatusListValue.Valid, keptList[kept.Fields.StatusIndex]);

        var report = OfflinePayloadVerifier.Verify(revoked.Text, trust, list, registry.Clock.GetUtcNow());
        Assert.Equal(Indication.TotalFailed, report.Verdict);
        Assert.Equal(OfflineCheckResult.Failed, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.Status).Result);
        Assert.Equal(StatusListValue.Revoked, report.CurrentStatus);
    }

    [Fact]
    public async Task A_change_marks_the_older_version_superseded_and_the_new_one_valid()
    {
        var (firstId, caller, body) = await IssueAsync();
        body["照面"]!["住所"] = "重庆市渝中区较场口街道中兴路58号";
        body[MetadataNames.Change] = JObject.Parse("""{"原因": "住所变更"}""");
        var changed = await registry.Ingest.IngestAsync(caller, body.ToString());
        Assert.Equal(2, changed.LicenseId!.Version);

        var first = await PayloadAsync(firstId);
        var second = await PayloadAsync(changed.LicenseId);
        var (_, firstList) = await ListsAsync(first.Fields.StatusListId);
        var (_, secondList) = await ListsAsync(second.Fields.StatusListId);
        Assert.Equal(StatusListValue.Superseded, firstList[first.Fields.StatusIndex]);
        Assert.Equal(StatusListValue.Valid, secondList[second.Fields.StatusIndex]);
    }

    [Fact]
    public async Task The_published_list_is_signed_gzip_base64url_of_at_least_131072_two_bit_entries()
    {
        var (id, _, _) = await IssueAsync();
        var payload = await PayloadAsync(id);
        var document = (await Presentation.StatusListDocumentAsync((int)payload.Fields.StatusListId))!;

        // Decoded independently of StatusList: base64url, gzip, MSB-first 2-bit entries.
        Assert.True(SignedEnvelope.TryBase64Url((string)document["payload"]!, out var contentBytes));
        var content = JsonNode.Parse(contentBytes)!.AsObject();
        var size = (int)content["size"]!;
        Assert.True(size >= 131_072);
        Assert.Equal(2, (int)content["bitsPerEntry"]!);
        var compressed = Convert.FromBase64String(((string)content["bits"]!).Replace('-', '+').Replace('_', '/').PadRight((((string)content["bits"]!).Length + 3) / 4 * 4, '='));
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var bits = new MemoryStream();
        gzip.CopyTo(bits);
        Assert.Equal(size / 4, bits.Length);
        var index = (int)payload.Fields.StatusIndex;
        Assert.Equal(0, (bits.ToArray()[index / 4] >> (6 - (index % 4 * 2))) & 3);

        var (trust, list) = await ListsAsync(payload.Fields.StatusListId);
        Assert.True(list.VerifySignature(trust));
        Assert.Equal(trust.FindPayloadKey(list.SignerKeyId)!.KeyId, list.SignerKeyId);
    }

    [Fact]
    public async Task Indexes_are_distinct_and_random_and_a_full_list_opens_the_next()
    {
        var store = new StatusListStore(131_072);
        await using var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var license = new LicenseRecord
        {
            TypeCode = LicenseTypeCode.Parse("11100000MB0000617G001"), IssuerCode = "x", Serial = "x", Number = "x",
            HolderCode = "x", HolderName = "x", HolderCodeType = "x", CurrentVersion = 1,
        };
        var versions = Enumerable.Range(0, 131_072 + 10)
            .Select(_ => (license, new LicenseVersionRecord { LicenseId = null!, ContentSha256 = "x", DataJson = "{}", PushedBy = "x", Version = 1 }))
            .ToList();

        // Licenses issued by the other tests of this registry already hold entries of the open list.
        var open = await db.StatusLists.AsNoTracking().Where(l => !l.Full).OrderBy(l => l.Id).FirstOrDefaultAsync();
        var usedBefore = open?.Used ?? 0;
        var all = await store.AllocateAsync(db, versions, DateTime.UtcNow, CancellationToken.None);
        var listId = all[0].StatusListId;
        var indexes = all.Take(2_000).Select(e => e.Index).ToList();
        Assert.Equal(indexes.Count, indexes.Distinct().Count());
        // Uniform draws over 131,072 entries: spread over the whole list, not handed out in order.
        Assert.True(indexes.Min() < 5_000 && indexes.Max() > 126_000, $"{indexes.Min()}..{indexes.Max()}");
        Assert.False(indexes.SequenceEqual(indexes.Order()));

        var inFirst = all.Where(e => e.StatusListId == listId).Select(e => e.Index).ToList();
        Assert.Equal(131_072 - usedBefore, inFirst.Count);
        Assert.Equal(inFirst.Count, inFirst.Distinct().Count());
        Assert.Equal(10 + usedBefore, all.Count(e => e.StatusListId == listId + 1));
        Assert.All(inFirst, i => Assert.True(open is null || !StatusBits.IsAllocated(open.Allocated, i)));
        // Not saved: the context is discarded.
    }

    [Fact]
    public async Task The_issued_OFD_draws_the_signed_payload_as_its_QR_code()
    {
        var (id, caller, _) = await IssueAsync();
        var payload = await PayloadAsync(id);
        var version = (await registry.Queries.GetAsync(caller, id)).Versions.Single();
        var ofd = await registry.ReadObjectAsync(version.Documents.Single(d => d.Format == "ofd").Sha256);
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error), error);
        var issuedPaths = package.LoadXml("Doc_0/Pages/Page_0/Content.xml").Descendants(OfdNames.Namespace + "AbbreviatedData").Select(e => e.Value).ToHashSet();

        await using var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        var record = await db.LicenseVersions.AsNoTracking().SingleAsync(v => v.LicenseId == id);
        var renderer = registry.Services.GetRequiredService<LicenseOfdRenderer>();
        string QrPath(string text)
        {
            using var data = System.Text.Json.JsonDocument.Parse(record.DataJson);
            var rendered = renderer.Render(new LicenseRenderRequest
            {
                Type = registry.Catalog.TryGet(id.TypeCode, out var type) ? type : throw new InvalidOperationException(),
                LicenseId = id,
                Data = data.RootElement,
                IssuedAt = registry.Clock.GetUtcNow(),
                VerificationPayload = text,
            });
            return rendered.Package.LoadXml("Doc_0/Pages/Page_0/Content.xml").Descendants(OfdNames.Namespace + "PathObject")
                .Single(p => OfdBox.TryParse((string?)p.Attribute("Boundary"), out var box) && box == rendered.QrCodeBoundary)
                .Element(OfdNames.Namespace + "AbbreviatedData")!.Value;
        }

        Assert.Contains(QrPath(payload.Text), issuedPaths);
        Assert.DoesNotContain(QrPath(LicenseDocumentIssuer.VerificationPayload(id)), issuedPaths);
    }
}
