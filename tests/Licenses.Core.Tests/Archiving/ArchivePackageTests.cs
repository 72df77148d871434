using ElectronicLicense.Licenses.Lifecycle;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Tests.Issuance;
using ElectronicLicense.Licenses.Tests.Samples;
using ElectronicLicense.Seals.Ofd;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Archiving;

/// <summary>The archive package of a really issued license, written to a folder, and the content checks of 四性检测 on it and on damaged copies.</summary>
public sealed class ArchivePackageTests(IssuanceRegistry registry) : IClassFixture<IssuanceRegistry>, IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("elic-archive-package-");

    public void Dispose() => work.Delete(recursive: true);

    private ArchivePackageBuilder Builder => registry.Services.GetRequiredService<ArchivePackageBuilder>();

    private ArchiveContentInspector Inspector => registry.Services.GetRequiredService<ArchiveContentInspector>();

    private sealed record Built(LicenseId Id, JsonObject Body, ArchivePackageContent Content, string Folder)
    {
        public string File(string path) => System.IO.Path.Combine(Folder, path);

        public string Ofd => ArchiveLayout.IssuedDocument(Id, "ofd");

        public string Pdf => ArchiveLayout.IssuedDocument(Id, "pdf");
    }

    private async Task<Built> BuildAsync(string? caseNumber = null, byte[]? historicalPdf = null)
    {
        var body = JsonNode.Parse(File.ReadAllText(RepositoryFiles.Sample("licenses", "food-business-license-1.json")))!.AsObject();
        body["证照编号"] = "A" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        if (historicalPdf is not null)
        {
            body["原始文件"] = new JsonObject { ["格式"] = "pdf", ["内容"] = Convert.ToBase64String(historicalPdf) };
        }

        var issuer = await registry.ActAsAsync((string)body["颁发机构代码"]!, DepartmentRole.Issuer);
        var result = await registry.Ingest.IngestAsync(issuer, body.ToJsonString());
        Assert.True(result.LicenseId is not null, result.Error?.Message);

        var content = await Builder.BuildAsync(result.LicenseId!, caseNumber);
        var folder = Path.Combine(work.FullName, content.BaseDirectory);
        foreach (var entry in content.Payload)
        {
            var path = Path.Combine(folder, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var source = await entry.OpenAsync(CancellationToken.None);
            await using var target = File.Create(path);
            await source.CopyToAsync(target);
        }

        return new Built(result.LicenseId!, body, content, folder);
    }

    private Task<IReadOnlyList<ArchiveCheck>> InspectAsync(Built built) => Inspector.InspectAsync(new FolderBag(built.Folder));

    private static IReadOnlyList<ArchiveCheck> Failures(IReadOnlyList<ArchiveCheck> checks, string id) =>
        checks.Where(c => c.Id == id && c.Result == ArchiveCheckResult.Failed).ToList();

    private static string Describe(IEnumerable<ArchiveCheck> checks) =>
        string.Join("\n", checks.Select(c => $"{c.Id} {c.Result} {c.Path}: {c.Reason}"));

    private static bool HasClamScan => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "clamscan")));

    private static void AssertOnlyFailure(IReadOnlyList<ArchiveCheck> checks, string id, string path, params string[] alsoAllowed)
    {
        var failed = checks.Where(c => c.Result == ArchiveCheckResult.Failed).ToList();
        Assert.True(failed.Any(c => c.Id == id && c.Path == path), $"expected {id} to fail for {path}:\n{Describe(checks)}");
        Assert.True(failed.All(c => c.Id == id || alsoAllowed.Contains(c.Id)), $"only {id} (and {string.Join(", ", alsoAllowed)}) may fail:\n{Describe(failed)}");
    }

    [Fact]
    public async Task A_freshly_built_package_passes_every_content_check_and_names_each_one()
    {
        var built = await BuildAsync();

        var checks = await InspectAsync(built);

        Assert.Equal(ArchiveContentInspector.CheckIds.Order(), checks.Select(c => c.Id).Distinct().Order());
        foreach (var check in checks.Where(c => c.Id != ArchiveCheckIds.VirusScan))
        {
            Assert.True(check.Result == ArchiveCheckResult.Passed, Describe([check]));
        }

        var scan = Assert.Single(checks, c => c.Id == ArchiveCheckIds.VirusScan);
        Assert.Equal(HasClamScan ? ArchiveCheckResult.Passed : ArchiveCheckResult.NotRun, scan.Result);
        Assert.Contains("2 signature(s)", checks.Single(c => c.Id == ArchiveCheckIds.Signatures).Reason, StringComparison.Ordinal);
        Assert.Contains("archived in data/verification/trust/", checks.Single(c => c.Id == ArchiveCheckIds.Signatures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_historical_license_archives_its_pushed_file_as_source_and_passes_without_signatures()
    {
        var pdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();
        var built = await BuildAsync(historicalPdf: pdf);

        Assert.Equal(["data/documents/source.pdf"], built.Content.Payload.Select(p => p.Path).Where(p => p.StartsWith("data/documents/", StringComparison.Ordinal)));
        Assert.Equal(pdf, await File.ReadAllBytesAsync(built.File("data/documents/source.pdf")));
        var file = XDocument.Load(built.File(ArchiveLayout.Metadata)).Descendants(ArchiveMetadata.Namespace + "文件").Single();
        Assert.Equal("推送", file.Element(ArchiveMetadata.Namespace + "来源")!.Value);
        Assert.Null(file.Element(ArchiveMetadata.Namespace + "签章方"));

        var checks = await InspectAsync(built);

        Assert.True(checks.Where(c => c.Id != ArchiveCheckIds.VirusScan).All(c => c.Result == ArchiveCheckResult.Passed), Describe(checks));
    }

    [Fact]
    public async Task The_package_has_the_agreed_layout_and_bag_info_labels()
    {
        var built = await BuildAsync(caseNumber: "CASE-2025-0001");
        var id = built.Id.Value;

        Assert.Equal($"{id}-v1", built.Content.BaseDirectory);
        Assert.Equal(
            [
                "data/audit/events.json", $"data/documents/{id}.ofd", $"data/documents/{id}.pdf", "data/history/status.json",
                "data/metadata/license-archive.xsd", "data/metadata/license.xml", "data/premis/events.xml", "data/verification/report.json",
                "data/verification/trust/registry-ca.pem",
            ],
            built.Content.Payload.Select(p => p.Path));
        var labels = built.Content.BagInfo;
        Assert.Equal(["Source-Organization", "External-Identifier", "External-Description", "Internal-Sender-Identifier", "Bag-Group-Identifier",
            "License-Version", "License-Type-Code", "Retention-Period"], labels.Select(l => l.Key));
        Assert.Equal(id, labels.Single(l => l.Key == "External-Identifier").Value);
        Assert.Equal("CASE-2025-0001", labels.Single(l => l.Key == "Bag-Group-Identifier").Value);

        // 档号 = 全宗号 (issuer) - 类型代码 - 年度 - 保管期限代码 - serial.version
        Assert.True(registry.Catalog.TryGet(built.Id.TypeCode, out var type));
        var code = $"{built.Id.Issuer.Value}-{built.Id.TypeCode.Value}-2025-{ArchiveLayout.RetentionCode(type.Retention)}-{built.Id.Serial}.001";
        Assert.Equal(code, labels.Single(l => l.Key == "Internal-Sender-Identifier").Value);
        var metadata = XDocument.Load(built.File(ArchiveLayout.Metadata)).Root!;
        XNamespace ns = "urn:elic:archive:1";
        Assert.Equal(code, metadata.Element(ns + "档号")!.Value);
        Assert.Equal(ArchiveLayout.RetentionName(type.Retention), metadata.Element(ns + "保管期限")!.Value);
        Assert.Equal("CASE-2025-0001", metadata.Element(ns + "归档案件号")!.Value);

        // The archive is the record: holder data is in the metadata.
        Assert.Equal((string)built.Body["持证主体"]!, metadata.Element(ns + "持证主体")!.Value);
        Assert.Equal((string)built.Body["照面"]!["法定代表人"]!, metadata.Element(ns + "照面")!.Elements().Single(e => (string?)e.Attribute("名称") == "法定代表人").Value);

        // Every entry's declared length and digest are those of the content it opens.
        foreach (var entry in built.Content.Payload)
        {
            var bytes = await File.ReadAllBytesAsync(built.File(entry.Path));
            Assert.Equal(entry.Length, bytes.LongLength);
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        // PREMIS: the four event types for each document.
        var premis = XDocument.Load(built.File(ArchiveLayout.Premis));
        XNamespace p = "http://www.loc.gov/premis/v3";
        var events = premis.Root!.Elements(p + "event").ToList();
        foreach (var document in new[] { $"documents/{id}.ofd", $"documents/{id}.pdf" })
        {
            var types = events.Where(e => e.Descendants(p + "linkingObjectIdentifierValue").Single().Value == document)
                .Select(e => e.Element(p + "eventType")!.Value).Order();
            Assert.Equal(["digest calculation", "format identification", "ingestion", "signature validation"], types);
        }

        Assert.All(events, e => Assert.Equal("success", e.Descendants(p + "eventOutcome").Single().Value));
    }

    [Fact]
    public async Task A_revoked_license_archives_its_status_history_and_only_its_own_audit_events()
    {
        var first = await BuildAsync();
        var issuer = await registry.ActAsAsync(first.Id.Issuer.Value, DepartmentRole.Issuer);
        await registry.Services.GetRequiredService<LifecycleService>()
            .ChangeStatusAsync(issuer, first.Id, LifecycleAction.Revoke, "cancelled", note: null);
        var other = await BuildAsync();

        var content = await Builder.BuildAsync(first.Id);
        var files = new Dictionary<string, byte[]>();
        foreach (var entry in content.Payload)
        {
            await using var stream = await entry.OpenAsync(CancellationToken.None);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            files[entry.Path] = memory.ToArray();
        }

        var history = JsonNode.Parse(files[ArchiveLayout.StatusHistory])!;
        var changes = history["statusChanges"]!.AsArray();
        Assert.Equal(2, changes.Count);
        Assert.Equal(["有效", "注销"], changes.Select(c => (string)c!["to"]!));
        Assert.Equal("cancelled", (string)changes[1]!["reasonCode"]!);
        var metadata = XDocument.Load(new MemoryStream(files[ArchiveLayout.Metadata])).Root!;
        Assert.Equal("注销", metadata.Element(ArchiveMetadata.Namespace + "状态")!.Value);

        var leaves = JsonNode.Parse(files[ArchiveLayout.AuditExtract])!["events"]!.AsArray()
            .Select(e => JsonNode.Parse(Convert.FromBase64String((string)e!["leaf"]!))!).ToList();
        Assert.Contains(leaves, l => (string)l["action"]! == "license.status");
        Assert.All(leaves, l => Assert.Equal(first.Id.Value, (string)l["license"]!));
        Assert.DoesNotContain(leaves, l => (string)l["license"]! == other.Id.Value);
    }

    [Fact]
    public async Task The_metadata_validates_with_xmllint_and_the_catalogue_digests_agree_with_sha256sum_and_openssl_sm3()
    {
        var built = await BuildAsync();

        var (exit, _, error) = Run("xmllint", "--noout", "--schema", built.File(ArchiveLayout.Schema), built.File(ArchiveLayout.Metadata));
        Assert.True(exit == 0, error);

        XNamespace ns = "urn:elic:archive:1";
        var files = XDocument.Load(built.File(ArchiveLayout.Metadata)).Descendants(ns + "文件").ToList();
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var path = built.File(file.Element(ns + "文件名")!.Value);
            Assert.StartsWith(file.Element(ns + "SHA-256")!.Value + " ", Run("sha256sum", path).Output, StringComparison.Ordinal);
            Assert.EndsWith("= " + file.Element(ns + "SM3")!.Value, Run("openssl", "dgst", "-sm3", path).Output.Trim(), StringComparison.Ordinal);
            Assert.Equal(new FileInfo(path).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Element(ns + "大小")!.Value);
        }

        // The same schema rejects a metadata file without a required element: xmllint agrees with the inspector.
        var document = XDocument.Load(built.File(ArchiveLayout.Metadata));
        document.Root!.Element(ns + "档号")!.Remove();
        document.Save(built.File(ArchiveLayout.Metadata));
        Assert.NotEqual(0, Run("xmllint", "--noout", "--schema", built.File(ArchiveLayout.Schema), built.File(ArchiveLayout.Metadata)).ExitCode);
    }

    [Fact]
    public async Task A_tampered_signature_value_fails_authenticity_signatures()
    {
        var built = await BuildAsync();
        var bytes = await File.ReadAllBytesAsync(built.File(built.Ofd));
        Assert.True(OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out var ofd, out var error), error);
        var signedValue = ofd.Names.First(n => n.EndsWith("SignedValue.dat", StringComparison.Ordinal));
        var value = ofd.GetEntry(signedValue).ToArray();
        value[^5] ^= 0x01; // inside the signature's BIT STRING at the end of the SES_Signature
        await File.WriteAllBytesAsync(built.File(built.Ofd), ofd.WithEntry(signedValue, value).ToBytes());

        var checks = await InspectAsync(built);

        // The file's bytes changed, so its digests no longer match the catalogue either.
        AssertOnlyFailure(checks, ArchiveCheckIds.Signatures, built.Ofd, ArchiveCheckIds.Attributes);
        Assert.Contains("TOTAL-FAILED", Failures(checks, ArchiveCheckIds.Signatures).Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_missing_a_required_element_fails_metadata_elements_and_schema_naming_the_element()
    {
        var built = await BuildAsync();
        var document = XDocument.Load(built.File(ArchiveLayout.Metadata));
        document.Root!.Element(ArchiveMetadata.Namespace + "持证主体代码")!.Remove();
        document.Save(built.File(ArchiveLayout.Metadata));

        var checks = await InspectAsync(built);

        AssertOnlyFailure(checks, ArchiveCheckIds.MetadataElements, ArchiveLayout.Metadata, ArchiveCheckIds.MetadataSchema);
        Assert.Contains("持证主体代码", Failures(checks, ArchiveCheckIds.MetadataElements).Single().Reason, StringComparison.Ordinal);
        Assert.NotEmpty(Failures(checks, ArchiveCheckIds.MetadataSchema));
    }

    [Fact]
    public async Task An_empty_required_element_fails_metadata_elements()
    {
        var built = await BuildAsync();
        var document = XDocument.Load(built.File(ArchiveLayout.Metadata));
        document.Root!.Element(ArchiveMetadata.Namespace + "颁发机构")!.Value = "  ";
        document.Save(built.File(ArchiveLayout.Metadata));

        var checks = await InspectAsync(built);

        AssertOnlyFailure(checks, ArchiveCheckIds.MetadataElements, ArchiveLayout.Metadata, ArchiveCheckIds.MetadataSchema);
        Assert.Contains("颁发机构 is empty", Failures(checks, ArchiveCheckIds.MetadataElements).Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_catalogued_size_that_does_not_match_the_file_fails_authenticity_attributes()
    {
        var built = await BuildAsync();
        var document = XDocument.Load(built.File(ArchiveLayout.Metadata));
        var pdf = document.Descendants(ArchiveMetadata.Namespace + "文件").Single(f => f.Element(ArchiveMetadata.Namespace + "文件名")!.Value == built.Pdf);
        var size = pdf.Element(ArchiveMetadata.Namespace + "大小")!;
        size.Value = (long.Parse(size.Value, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        document.Save(built.File(ArchiveLayout.Metadata));

        var checks = await InspectAsync(built);

        AssertOnlyFailure(checks, ArchiveCheckIds.Attributes, built.Pdf);
        Assert.Contains("大小", Failures(checks, ArchiveCheckIds.Attributes).Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PDF_renamed_to_ofd_fails_usability_formats_by_its_bytes()
    {
        var built = await BuildAsync();
        File.Copy(built.File(built.Pdf), built.File(built.Ofd), overwrite: true);

        var checks = await InspectAsync(built);

        var format = Failures(checks, ArchiveCheckIds.Formats).Single();
        Assert.Equal(built.Ofd, format.Path);
        Assert.Contains("declares OFD but the bytes are PDF", format.Reason, StringComparison.Ordinal);
        Assert.Contains(Failures(checks, ArchiveCheckIds.Attributes), c => c.Path == built.Ofd);
    }

    [Fact]
    public async Task A_missing_document_and_an_extra_one_fail_integrity_catalogue()
    {
        var built = await BuildAsync();
        File.Delete(built.File(built.Pdf));
        File.Copy(built.File(built.Ofd), built.File("data/documents/source.ofd"));

        var checks = await InspectAsync(built);

        var catalogue = Failures(checks, ArchiveCheckIds.Catalogue);
        Assert.Equal([built.Pdf, "data/documents/source.ofd"], catalogue.Select(c => c.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_executable_or_a_script_dropped_into_data_fails_security_content()
    {
        var built = await BuildAsync();
        Directory.CreateDirectory(built.File("data/tools"));
        await File.WriteAllBytesAsync(built.File("data/tools/update.exe"), [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0]);
        await File.WriteAllTextAsync(built.File("data/history/cleanup.sh"), "#!/bin/sh\nrm -rf /\n");
        await File.WriteAllBytesAsync(built.File("data/documents/payload.bin"), [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);

        var checks = await InspectAsync(built);

        var content = Failures(checks, ArchiveCheckIds.Content);
        Assert.Contains(content, c => c.Path == "data/tools/update.exe" && c.Reason.Contains("PE/MZ", StringComparison.Ordinal));
        Assert.Contains(content, c => c.Path == "data/history/cleanup.sh" && c.Reason.Contains("#!", StringComparison.Ordinal));
        Assert.Contains(content, c => c.Path == "data/documents/payload.bin" && c.Reason.Contains("ELF", StringComparison.Ordinal));
        Assert.Contains(content, c => c.Path == "data/tools/update.exe" && c.Reason.Contains("layout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_encrypted_PDF_fails_usability_no_encryption()
    {
        var built = await BuildAsync();
        var encrypted = built.File("encrypted.pdf");
        var (exit, _, error) = Run("qpdf", "--encrypt", "user-password", "owner-password", "256", "--", built.File(built.Pdf), encrypted);
        Assert.True(exit is 0 or 3, error); // 3: warnings (PDFsharp's zlib streams)
        File.Move(encrypted, built.File(built.Pdf), overwrite: true);

        var checks = await InspectAsync(built);

        var encryption = Failures(checks, ArchiveCheckIds.NoEncryption).Single();
        Assert.Equal(built.Pdf, encryption.Path);
        Assert.Contains("/Encrypt", encryption.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_OFD_entry_flagged_encrypted_fails_usability_no_encryption()
    {
        var built = await BuildAsync();
        var bytes = await File.ReadAllBytesAsync(built.File(built.Ofd));
        // PKWARE APPNOTE 4.3.12: the central directory header (PK\x01\x02) holds the general purpose flags at offset 8; bit 0 = encrypted.
        var central = bytes.AsSpan().IndexOf("PK\x01\x02"u8);
        bytes[central + 8] |= 0x01;
        await File.WriteAllBytesAsync(built.File(built.Ofd), bytes);

        var checks = await InspectAsync(built);

        var encryption = Failures(checks, ArchiveCheckIds.NoEncryption).Single();
        Assert.Equal(built.Ofd, encryption.Path);
        Assert.Contains("encrypted", encryption.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_schema_looser_than_the_shipped_one_fails_usability_metadata_schema()
    {
        var built = await BuildAsync();
        var xsd = await File.ReadAllTextAsync(built.File(ArchiveLayout.Schema));
        await File.WriteAllTextAsync(built.File(ArchiveLayout.Schema), xsd.Replace("<xs:element name=\"档号\" type=\"非空文本\"/>", "<xs:element name=\"档号\" type=\"非空文本\" minOccurs=\"0\"/>", StringComparison.Ordinal));

        var checks = await InspectAsync(built);

        var schema = Failures(checks, ArchiveCheckIds.MetadataSchema).Single();
        Assert.Equal(ArchiveLayout.Schema, schema.Path);
        Assert.Contains("differs from the schema this registry ships", schema.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_changed_byte_of_a_document_fails_authenticity_attributes_for_that_document()
    {
        var built = await BuildAsync();
        var originals = new Dictionary<string, byte[]> { [built.Ofd] = File.ReadAllBytes(built.File(built.Ofd)), [built.Pdf] = File.ReadAllBytes(built.File(built.Pdf)) };
        var cases = (from path in Gen.Elements(built.Ofd, built.Pdf)
                     from position in Gen.Choose(0, originals[path].Length - 1)
                     from mask in Gen.Choose(1, 255)
                     select (path, position, mask: (byte)mask)).ToArbitrary();

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(25), Prop.ForAll(cases, c =>
        {
            var changed = originals[c.path].ToArray();
            changed[c.position] ^= c.mask;
            File.WriteAllBytes(built.File(c.path), changed);
            try
            {
                var checks = InspectAsync(built).GetAwaiter().GetResult();
                Assert.Contains(Failures(checks, ArchiveCheckIds.Attributes), f => f.Path == c.path);
            }
            finally
            {
                File.WriteAllBytes(built.File(c.path), originals[c.path]);
            }
        }));
    }

    [Fact]
    public async Task A_forged_inclusion_proof_or_leaf_fails_security_audit_proofs()
    {
        var built = await BuildAsync();
        var extract = JsonNode.Parse(await File.ReadAllTextAsync(built.File(ArchiveLayout.AuditExtract)))!.AsObject();
        var events = extract["events"]!.AsArray();
        Assert.True(events.Count >= 2, "ingest and issue events are archived");
        var path = events[0]!["inclusionProof"]!["auditPath"]!.AsArray();
        Assert.NotEmpty(path);
        path[0] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("forged")));
        var leaf = Convert.FromBase64String((string)events[1]!["leaf"]!);
        leaf[^3] ^= 0x20;
        events[1]!["leaf"] = Convert.ToBase64String(leaf);
        await File.WriteAllTextAsync(built.File(ArchiveLayout.AuditExtract), extract.ToJsonString());

        var checks = await InspectAsync(built);

        var proofs = Failures(checks, ArchiveCheckIds.AuditProofs);
        Assert.Equal(2, proofs.Count);
        Assert.Contains("inclusion proof", proofs[0].Reason, StringComparison.Ordinal);
        Assert.Contains("leaf hash", proofs[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tree_head_not_signed_by_the_archived_key_fails_security_audit_proofs()
    {
        var built = await BuildAsync();
        var extract = JsonNode.Parse(await File.ReadAllTextAsync(built.File(ArchiveLayout.AuditExtract)))!.AsObject();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        extract["publicKeyPem"] = other.ExportSubjectPublicKeyInfoPem();
        await File.WriteAllTextAsync(built.File(ArchiveLayout.AuditExtract), extract.ToJsonString());

        var checks = await InspectAsync(built);

        Assert.Contains("signature does not verify", Failures(checks, ArchiveCheckIds.AuditProofs).Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_archived_trust_anchors_signatures_are_not_passed_and_the_reason_says_so()
    {
        var built = await BuildAsync();
        Directory.Delete(built.File(ArchiveLayout.TrustFolder), recursive: true);

        var checks = await InspectAsync(built);

        var signatures = Failures(checks, ArchiveCheckIds.Signatures);
        Assert.Equal([built.Ofd, built.Pdf], signatures.Select(c => c.Path));
        Assert.All(signatures, c => Assert.Contains("0 trust anchor(s) archived", c.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Holder_data_is_in_the_metadata_but_never_in_a_reason_or_a_path()
    {
        var built = await BuildAsync();
        // Damage everything a reason could quote from: the metadata's values, the documents and the audit extract.
        var document = XDocument.Load(built.File(ArchiveLayout.Metadata));
        var ns = ArchiveMetadata.Namespace;
        document.Root!.Element(ns + "颁发日期")!.Value = (string)built.Body["持证主体"]!;
        document.Root!.Element(ns + "版本")!.Value = (string)built.Body["持证主体代码"]!;
        document.Descendants(ns + "格式").First().Value = (string)built.Body["照面"]!["法定代表人"]!;
        document.Descendants(ns + "文件名").Last().Value = (string)built.Body["照面"]!["住所"]!;
        document.Save(built.File(ArchiveLayout.Metadata));
        File.Copy(built.File(built.Pdf), built.File(built.Ofd), overwrite: true);

        var checks = await InspectAsync(built);

        Assert.Contains(checks, c => c.Result == ArchiveCheckResult.Failed && c.Id == ArchiveCheckIds.MetadataSchema);
        var metadata = await File.ReadAllTextAsync(built.File(ArchiveLayout.Metadata));
        string[] personal = [(string)built.Body["持证主体"]!, (string)built.Body["持证主体代码"]!, (string)built.Body["照面"]!["法定代表人"]!, (string)built.Body["照面"]!["住所"]!];
        foreach (var value in personal)
        {
            Assert.Contains(value, metadata, StringComparison.Ordinal);
            Assert.All(checks, c => Assert.DoesNotContain(value, c.Reason + c.Path, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Arbitrary_bytes_in_place_of_any_payload_file_are_reported_never_thrown()
    {
        var built = await BuildAsync();
        string[] targets = [ArchiveLayout.Metadata, ArchiveLayout.Schema, ArchiveLayout.AuditExtract, ArchiveLayout.StatusHistory,
            ArchiveLayout.VerificationReport, ArchiveLayout.Premis, "data/verification/trust/registry-ca.pem", built.Ofd, built.Pdf];
        var originals = targets.ToDictionary(t => t, t => File.ReadAllBytes(built.File(t)));
        var cases = (from target in Gen.Elements(targets)
                     from bytes in Gen.OneOf(
                         ArbMap.Default.ArbFor<byte[]>().Generator,
                         Gen.Elements("{}", "{\"events\":[{}]}", "<电子证照档案 xmlns=\"urn:elic:archive:1\"/>", "[]", "%PDF-1.7\n%%EOF", "null")
                             .Select(Encoding.UTF8.GetBytes))
                     select (target, bytes)).ToArbitrary();

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(cases, c =>
        {
            File.WriteAllBytes(built.File(c.target), c.bytes);
            try
            {
                var checks = InspectAsync(built).GetAwaiter().GetResult();
                Assert.Equal(ArchiveContentInspector.CheckIds.Order(), checks.Select(k => k.Id).Distinct().Order());
                Assert.Contains(checks, k => k.Result == ArchiveCheckResult.Failed);
            }
            finally
            {
                File.WriteAllBytes(built.File(c.target), originals[c.target]);
            }
        }));
    }

    private static (int ExitCode, string Output, string Error) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"{tool} did not finish in a minute");
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>A bag in a folder, as the validator reads one.</summary>
    private sealed class FolderBag(string folder) : IBagSource
    {
        public string Location => folder;

        public async IAsyncEnumerable<BagFileInfo> ListFilesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                         .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
            {
                yield return new BagFileInfo(file, new FileInfo(Path.Combine(folder, file)).Length);
            }
        }

        public Task<Stream?> OpenAsync(string relativePath, CancellationToken cancellationToken = default)
        {
            var path = Path.Combine(folder, relativePath);
            return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
        }
    }
}
