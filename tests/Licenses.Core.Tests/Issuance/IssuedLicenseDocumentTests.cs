using ElectronicLicense.Licenses.Lifecycle;
using System.Diagnostics;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Tests.Ingest;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using ElectronicLicense.Seals.Verification;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Issuance;

/// <summary>Documents the registry issues: sealed in policy order, tamper-evident to the byte, readable by OpenSSL; pushed files kept as they are.</summary>
[Properties(Arbitrary = new[] { typeof(IssuedLicenseDocumentArbitraries) })]
public class IssuedLicenseDocumentTests(IssuanceRegistry registry) : IClassFixture<IssuanceRegistry>
{
    private const string Health = "11500000MB1507014M";      // 重庆市卫生健康委员会: issues 医疗机构死亡证明
    private const string MarketRegulator = "11500000MB1503013M"; // 重庆市市场监督管理局: issues 营业执照
    private const string DeathCertificate = "11100000MB0000537W002";
    private const string BusinessLicense = "11100000MB0000617G001";

    // GB/T 32100 charset for the organisation part of a generated 统一社会信用代码.
    private const string UsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // U+20000 (𠀀) is not in the license font, U+2000B (𠀋) is: both must issue and verify.
    private static readonly string[] SupplementaryCharacters = ["\U00020000", "\U0002000B"];

    [Property(MaxTest = 20)]
    public void Generated_licenses_verify_in_policy_order_and_any_changed_byte_fails_them(Case c)
    {
        var (type, issuer, dataJson, id) = Prepare(c);
        var ofd = Issue(type, issuer, id, dataJson);
        var plan = SignerPlan.For(type, issuer, registry.Departments);

        var report = OfdVerifier.Verify(ofd, registry.Trust);

        Assert.True(report.Indication == Indication.TotalPassed, $"{c}: {report.Indication} {report.SubIndication}: {Failures(report)}");
        Assert.Equal(c.DeathCertificate ? 3 : 1, report.Signatures.Count);
        Assert.Equal(plan.Select(p => p.Department.Name + p.SealKind), report.Signatures.Select(s => s.Seal!.Name));
        Assert.All(report.Signatures.Zip(plan), pair => Assert.Contains(pair.Second.Department.Name, pair.First.Signer, StringComparison.Ordinal));

        // One changed byte in any file of the package, re-zipped: the document no longer verifies.
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error), error);
        var random = new Random(c.FlipSeed);
        foreach (var (path, content) in package.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var offset = random.Next(content.Length);
            var changed = content.ToArray();
            changed[offset] ^= (byte)random.Next(1, 256);
            var tampered = OfdVerifier.Verify(package.WithEntry(path, changed).ToBytes(), registry.Trust);
            Assert.True(tampered.Indication == Indication.TotalFailed,
                $"{c}: byte {offset} of {path} changed, yet the verdict is {tampered.Indication} {tampered.SubIndication}");
        }
    }

    [Fact]
    public async Task OpenSSL_verifies_every_seal_signature_of_an_issued_license_and_its_data_hash()
    {
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var body = Submissions.Sample("medical-death-certificate-1.json");
        body[MetadataNames.Number] = "OPENSSL-" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var pushed = await registry.Ingest.IngestAsync(caller, body.ToString());
        var version = (await registry.Queries.GetAsync(caller, pushed.LicenseId!)).Versions.Single();
        var document = Assert.Single(version.Documents, d => d.Format == "ofd");
        Assert.Equal("issued", document.Origin);
        var ofd = await registry.ReadObjectAsync(document.Sha256);
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error), error);

        var folder = Directory.CreateTempSubdirectory("elic-openssl-");
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var signedValue = package.GetEntry($"Doc_0/Signs/Sign_{i}/SignedValue.dat");
                Assert.True(SesSignature.TryDecode(signedValue, out var signature, out error), error);

                // GB/T 38540 7.2: the signature is over DER(TBS_Sign), the first element of SES_Signature, exactly as encoded.
                var tbs = new AsnReader(signedValue, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue();
                var certificate = Write(folder, $"signer{i}.der", signature.SignerCertificate.RawData);
                var publicKey = Path.Combine(folder.FullName, $"signer{i}.pem");
                var (exit, output) = OpenSsl("x509", "-inform", "DER", "-in", certificate, "-pubkey", "-noout", "-out", publicKey);
                Assert.True(exit == 0, output);

                (exit, output) = OpenSsl("dgst", "-sm3", "-verify", publicKey, "-sigopt", "distid:" + "1234567812345678",
                    "-signature", Write(folder, $"sig{i}.der", signature.SignatureValue.ToArray()), Write(folder, $"tbs{i}.der", tbs.ToArray()));
                Assert.True(exit == 0, output);
                Assert.Contains("Verified OK", output, StringComparison.Ordinal);

                // GB/T 38540 7.2: dataHash is the SM3 of Signature.xml.
                (exit, output) = OpenSsl("dgst", "-sm3", "-r", Write(folder, $"Signature{i}.xml", package.GetEntry($"Doc_0/Signs/Sign_{i}/Signature.xml").ToArray()));
                Assert.True(exit == 0, output);
                Assert.Equal(Convert.ToHexStringLower(signature.DataHash.Span), output.Split(' ')[0]);
                Assert.Equal($"/Doc_0/Signs/Sign_{i}/Signature.xml", signature.PropertyInfo);
            }

            // And a changed TBS_Sign does not verify: the check above is not vacuous.
            var bad = File.ReadAllBytes(Path.Combine(folder.FullName, "tbs0.der"));
            bad[^1] ^= 1;
            var (badExit, badOutput) = OpenSsl("dgst", "-sm3", "-verify", Path.Combine(folder.FullName, "signer0.pem"), "-sigopt", "distid:1234567812345678",
                "-signature", Path.Combine(folder.FullName, "sig0.der"), Write(folder, "tbs0-changed.der", bad));
            Assert.NotEqual(0, badExit);
            Assert.Contains("Verification failure", badOutput, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("pdf")]
    [InlineData("ofd")]
    public async Task A_historical_license_pushed_with_its_file_keeps_that_file_and_gets_no_rendered_OFD(string format)
    {
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var body = Submissions.Sample("medical-death-certificate-1.json");
        body[MetadataNames.Number] = "HIST-" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        byte[] file = format == "pdf"
            ? Encoding.ASCII.GetBytes("%PDF-1.4\n% a historical death certificate scanned in 2003\n%%EOF\n")
            : [(byte)'P', (byte)'K', 3, 4, .. RandomNumberGenerator.GetBytes(200)];
        body[MetadataNames.SourceDocument] = new JObject { ["格式"] = format, ["内容"] = Convert.ToBase64String(file) };

        var pushed = await registry.Ingest.IngestAsync(caller, body.ToString());

        Assert.Equal(IngestOutcome.Created, pushed.Outcome);
        var version = (await registry.Queries.GetAsync(caller, pushed.LicenseId!)).Versions.Single();
        var document = Assert.Single(version.Documents);
        Assert.Equal(format, document.Format);
        Assert.Equal("pushed", document.Origin);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), document.Sha256);
        Assert.Equal(Convert.ToHexStringLower(Sm3.Hash(file)), document.Sm3);
        Assert.Equal(file.Length, document.Length);
        Assert.Empty(document.Signers);
        Assert.Equal(new SourceDocumentView(format, document.Sha256, file.Length), version.SourceDocument);
        Assert.Equal(file, await registry.ReadObjectAsync(document.Sha256));
    }

    /// <summary>Names of 2–6 random CJK characters (the font covers U+4E00–U+9FA5) with one supplementary-plane character among them.</summary>
    internal static Gen<string> Names { get; } =
        from length in Gen.Choose(1, 5)
        from characters in Gen.Choose(0x4E00, 0x9FA5).ArrayOf(length)
        from supplementary in Gen.Elements(SupplementaryCharacters)
        from position in Gen.Choose(0, length)
        select string.Concat(characters.Select(c => ((char)c).ToString()).Take(position).Append(supplementary).Concat(characters.Skip(position).Select(c => ((char)c).ToString())));

    internal static Gen<string> Addresses { get; } =
        from length in Gen.Choose(2, 20)
        from street in Gen.Choose(0x4E00, 0x9FA5).ArrayOf(length)
        from number in Gen.Choose(1, 9999)
        from supplementary in Gen.Elements(SupplementaryCharacters)
        select string.Create(CultureInfo.InvariantCulture, $"重庆市{new string(street.Select(c => (char)c).ToArray())}{supplementary}路{number}号");

    /// <summary>Builds the stored data of a generated license the way 归集 does: parsed and validated, then <see cref="LicenseData.Build"/>.</summary>
    private (LicenseType Type, Department Issuer, string DataJson, LicenseId Id) Prepare(Case c)
    {
        var issued = c.IssueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        JObject body;
        if (c.DeathCertificate)
        {
            var died = c.IssueDate.AddDays(-(c.Sequence % 3));
            var born = died.AddYears(-c.Age).AddDays(-(c.Sequence % 365));
            var holder = CitizenId.Create(string.Create(CultureInfo.InvariantCulture, $"500103{born:yyyyMMdd}{c.Sequence % 1000:D3}"));
            body = Body(DeathCertificate, Health, c, holder.Value, "公民身份号码", issued, new JObject
            {
                ["性别"] = c.Sequence % 2 == 1 ? "男" : "女",
                ["民族"] = "土家族",
                ["出生日期"] = born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["死亡日期"] = died.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["死亡时间"] = string.Create(CultureInfo.InvariantCulture, $"{c.Sequence % 24:D2}时{c.Sequence % 60:D2}分"),
                ["死亡地点"] = "家中",
                ["常住地址"] = c.Address,
                ["根本死亡原因"] = "慢性阻塞性肺疾病急性加重",
                ["诊断单位"] = c.Other + "医院",
                ["诊断依据"] = "临床",
                ["申报人姓名"] = c.Other,
                ["申报人联系电话"] = string.Create(CultureInfo.InvariantCulture, $"139{c.Sequence:D8}"),
            });
        }
        else
        {
            var organisation = string.Concat(Enumerable.Range(0, 7).Select(i => UsccCharset[(c.Sequence >> (i * 3)) % UsccCharset.Length]));
            var holder = UnifiedSocialCreditCode.Create("91500103MA" + organisation);
            var name = "重庆" + c.Holder + "有限公司";
            body = Body(BusinessLicense, MarketRegulator, c with { Holder = name }, holder.Value, "统一社会信用代码", issued, new JObject
            {
                ["名称"] = name,
                ["类型"] = "有限责任公司（自然人投资或控股）",
                ["法定代表人"] = c.Other,
                ["注册资本"] = "伍拾万元整",
                ["成立日期"] = issued,
                ["住所"] = c.Address,
                ["经营范围"] = "许可项目：餐饮服务。一般项目：" + c.Other + "咨询服务。",
            });
        }

        // The parser's clock is stopped after every generated date.
        var submission = Submissions.Parse(body);
        var issuer = registry.Departments[UnifiedSocialCreditCode.Parse((string)body[MetadataNames.IssuerCode]!)];
        submission.IssuerCode = issuer.Code;
        var data = LicenseData.Serialize(LicenseData.Build(submission, issuer.Name));
        var serial = string.Create(CultureInfo.InvariantCulture, $"{c.IssueDate.Year}{c.Sequence:D6}");
        return (submission.Type, issuer, data, LicenseId.Create(submission.Type.Code, issuer.Code, serial, 1));
    }

    private static JObject Body(string type, string issuer, Case c, string holderCode, string holderCodeType, string issued, JObject face) => new()
    {
        [MetadataNames.TypeCode] = type,
        [MetadataNames.Number] = string.Create(CultureInfo.InvariantCulture, $"PROP-{c.Sequence:D6}"),
        [MetadataNames.Holder] = c.Holder,
        [MetadataNames.HolderCode] = holderCode,
        [MetadataNames.HolderCodeType] = holderCodeType,
        [MetadataNames.IssuerCode] = issuer,
        [MetadataNames.IssueDate] = issued,
        [MetadataNames.ValidFrom] = issued,
        [MetadataNames.ValidUntil] = MetadataNames.LongTerm,
        [MetadataNames.Face] = face,
    };

    /// <summary>Renders, seals with the registry's keys and seals, and stores, as 归集 does; returns the stored file.</summary>
    /// <remarks>Synchronous for FsCheck; run on the thread pool so that no test synchronisation context is blocked.</remarks>
    private byte[] Issue(LicenseType type, Department issuer, LicenseId id, string dataJson) => Task.Run(async () =>
    {
        // Demo seals are made on first use, outside any write transaction, as the ingest does before storing.
        Assert.Null(await registry.Issuer.NotReadyAsync(type, issuer, registry.Departments, makeDemoSeals: true, CancellationToken.None));
        var records = await registry.Issuer.IssueAsync(type, issuer, registry.Departments, id, dataJson, registry.Clock.GetUtcNow(), LicenseDocumentIssuer.VerificationPayload(id), CancellationToken.None);
        var record = Assert.Single(records, r => r.Format.Name() == "ofd");
        Assert.Equal("issued", record.Origin.Name());
        return await registry.ReadObjectAsync(record.Sha256);
    }).GetAwaiter().GetResult();

    private static string Failures(DocumentReport report) => string.Join("; ",
        report.DocumentChecks.Concat(report.Signatures.SelectMany(s => s.Checks)).Where(c => c.Outcome is CheckOutcome.Failed or CheckOutcome.Indeterminate).Select(c => $"{c.Id}: {c.Message}"));

    private static string Write(DirectoryInfo folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static (int ExitCode, string Output) OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "openssl did not finish");
        return (process.ExitCode, output + error.GetAwaiter().GetResult());
    }

    /// <summary>One generated license: its type, names, address, dates, and the seed choosing which bytes to change.</summary>
    public sealed record Case(bool DeathCertificate, string Holder, string Other, string Address, DateOnly IssueDate, int Age, int Sequence, int FlipSeed)
    {
        public override string ToString() => $"{(DeathCertificate ? "医疗机构死亡证明" : "营业执照")} {Holder} / {Other} / {Address} / {IssueDate:yyyy-MM-dd} / seq {Sequence} / flips {FlipSeed}";
    }
}

internal static class IssuedLicenseDocumentArbitraries
{
    public static Arbitrary<IssuedLicenseDocumentTests.Case> Case() =>
        (from deathCertificate in Gen.Elements(true, false)
         from holder in IssuedLicenseDocumentTests.Names
         from other in IssuedLicenseDocumentTests.Names
         from address in IssuedLicenseDocumentTests.Addresses
         from day in Gen.Choose(new DateOnly(2000, 1, 1).DayNumber, new DateOnly(2025, 12, 31).DayNumber)
         from age in Gen.Choose(0, 100)
         from sequence in Gen.Choose(0, 999_999)
         from flips in Gen.Choose(0, int.MaxValue)
         select new IssuedLicenseDocumentTests.Case(deathCertificate, holder, other, address, DateOnly.FromDayNumber(day), age, sequence, flips)).ToArbitrary();
}
