using System.Reflection;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.Licenses.Archiving;

namespace ElectronicLicense.Cli.Tests.Archives;

public sealed class ArchiveCommandTests(ArchiveRegistryFixture registry) : IClassFixture<ArchiveRegistryFixture>
{
    private static readonly string[] CheckIds = typeof(ArchiveCheckIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    [Fact]
    public void Export_by_type_and_range_writes_one_bag_per_version_issued_in_the_range_without_holder_data()
    {
        var run = registry.Export;

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = ArchiveRegistryFixture.IssueDatesOfType().Count(d => d.Year == 2025);
        Assert.Equal(expected, Directory.GetDirectories(registry.ExportFolder).Length);
        Assert.All(Directory.GetDirectories(registry.ExportFolder), bag => Assert.True(File.Exists(Path.Combine(bag, "tagmanifest-sha256.txt")), bag));
        Assert.Matches($@"exported\s+{expected}\b", run.Output);
        Assert.Matches(@"failed\s+0\b", run.Output);
        ImportSample.AssertNoHolderData(run);
    }

    [Fact]
    public async Task Exported_folder_of_bags_validates_with_every_check_named_and_virus_scan_not_run_without_clamav()
    {
        var run = await Elic.RunAsync("archive", "validate", registry.ExportFolder);

        Assert.True(run.ExitCode == 0, run.ToString());
        var bags = Directory.GetDirectories(registry.ExportFolder).Length;
        Assert.Contains($"{bags} bags: {bags} valid, 0 invalid", run.Output, StringComparison.Ordinal);
        foreach (var id in CheckIds)
        {
            Assert.Equal(bags, CountLines(run.Output, id));
        }

        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
        var virusScan = run.Output.Split('\n').First(l => l.Contains(ArchiveCheckIds.VirusScan, StringComparison.Ordinal));
        Assert.StartsWith(ClamScanInstalled() ? "  PASS" : "  NOT RUN", virusScan, StringComparison.Ordinal);
        ImportSample.AssertNoHolderData(run);
    }

    [Fact]
    public async Task Json_for_a_folder_of_bags_is_an_array_of_reports_in_bag_order()
    {
        var run = await Elic.RunAsync("archive", "validate", registry.ExportFolder, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var reports = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(
            Directory.GetDirectories(registry.ExportFolder).Order(StringComparer.Ordinal).Select(Path.GetFileName),
            reports.Select(r => Path.GetFileName(r.GetProperty("location").GetString()!)));
        Assert.All(reports, r => Assert.True(r.GetProperty("valid").GetBoolean()));
    }

    [Fact]
    public async Task Export_by_license_id_writes_that_one_bag_and_json_reports_it()
    {
        var licenseId = Directory.GetDirectories(registry.ExportFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).First()![..^"-v1".Length];
        var folder = registry.Scratch("one");

        var run = await Elic.RunAsync("archive", "export", "--license", licenseId, "--out", folder,
            "--data-dir", registry.DataDirectory, "--as", ArchiveRegistryFixture.Archivist, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal((1, 1, 0), (json.RootElement.GetProperty("selected").GetInt32(), json.RootElement.GetProperty("exported").GetInt32(), json.RootElement.GetProperty("failed").GetInt32()));
        Assert.Equal([licenseId + "-v1"], Directory.GetDirectories(folder).Select(Path.GetFileName));
        Assert.True(json.RootElement.GetProperty("bytes").GetInt64() > 0);

        var validate = await Elic.RunAsync("archive", "validate", Path.Combine(folder, licenseId + "-v1"), "--json");
        Assert.True(validate.ExitCode == 0, validate.ToString());
        using var report = JsonDocument.Parse(validate.Output);
        Assert.True(report.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(licenseId, report.RootElement.GetProperty("licenseId").GetString());
        Assert.Equal(CheckIds.Order(StringComparer.Ordinal),
            report.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Documents_of_an_exported_package_verify_with_elic_verify_and_the_archived_trust_anchors()
    {
        var bag = Directory.GetDirectories(registry.ExportFolder).Order(StringComparer.Ordinal).First();
        var trust = Path.Combine(bag, "data", "verification", "trust");

        foreach (var document in Directory.GetFiles(Path.Combine(bag, "data", "documents")).Order(StringComparer.Ordinal))
        {
            var run = await Elic.RunAsync("verify", document, "--trust", trust);
            Assert.True(run.ExitCode == 0, document + "\n" + run);
        }
    }

    [Fact]
    public async Task A_narrower_range_exports_exactly_the_versions_issued_in_it()
    {
        var dates = ArchiveRegistryFixture.IssueDatesOfType().Order().ToList();
        var (from, to) = (dates[1], dates[^2]);
        var folder = registry.Scratch("range");

        var run = await Elic.RunAsync("archive", "export", "--type", ArchiveRegistryFixture.TypeCode,
            "--issued-from", from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            "--issued-to", to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            "--out", folder, "--data-dir", registry.DataDirectory, "--as", ArchiveRegistryFixture.Archivist, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(dates.Count(d => d >= from && d <= to), Directory.GetDirectories(folder).Length);
    }

    [Theory]
    [InlineData("payload-byte", ArchiveCheckIds.Fixity)]
    [InlineData("missing-file", ArchiveCheckIds.FilesPresent)]
    [InlineData("extra-file", ArchiveCheckIds.NoUnlistedFiles)]
    [InlineData("payload-oxum", ArchiveCheckIds.PayloadOxum)]
    public async Task A_damaged_bag_exits_1_naming_the_failed_check(string damage, string checkId)
    {
        var bag = registry.CopyOfABag(damage);
        switch (damage)
        {
            case "payload-byte":
                var document = Directory.GetFiles(Path.Combine(bag, "data", "documents"), "*.ofd").Single();
                var bytes = File.ReadAllBytes(document);
                bytes[bytes.Length / 2] ^= 0x01;
                File.WriteAllBytes(document, bytes);
                break;
            case "missing-file":
                File.Delete(Path.Combine(bag, "data", "history", "status.json"));
                break;
            case "extra-file":
                File.WriteAllText(Path.Combine(bag, "data", "notes.txt"), "not listed");
                break;
            case "payload-oxum":
                var info = Path.Combine(bag, "bag-info.txt");
                File.WriteAllLines(info, File.ReadAllLines(info).Select(l => l.StartsWith("Payload-Oxum:", StringComparison.Ordinal) ? "Payload-Oxum: 1.1" : l));
                break;
        }

        var run = await Elic.RunAsync("archive", "validate", bag);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"FAIL    {checkId}", run.Output, StringComparison.Ordinal);
        Assert.Contains("INVALID", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_registry_every_package_digest_is_compared_and_a_rebagged_package_fails_it()
    {
        var run = await Elic.RunAsync("archive", "validate", registry.ExportFolder, "--data-dir", registry.DataDirectory);

        Assert.True(run.ExitCode == 0, run.ToString());
        var bags = Directory.GetDirectories(registry.ExportFolder).Length;
        Assert.Equal(bags, run.Output.Split('\n').Count(l => l.StartsWith($"  PASS    {ArchiveCheckIds.PackageDigest}", StringComparison.Ordinal)));
        Assert.DoesNotContain("NOT RUN authenticity", run.Output, StringComparison.Ordinal);

        // A label added and both tag manifests redone: a consistent bag, but not the package the registry archived.
        var bag = registry.CopyOfABag("rebagged");
        File.AppendAllText(Path.Combine(bag, "bag-info.txt"), "Internal-Sender-Description: re-bagged elsewhere\n");
        var info = File.ReadAllBytes(Path.Combine(bag, "bag-info.txt"));
        foreach (var (manifest, digest) in new (string, string)[]
        {
            ("tagmanifest-sha256.txt", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(info))),
            ("tagmanifest-sm3.txt", Convert.ToHexStringLower(ElectronicLicense.Seals.Pki.Sm3.Hash(info))),
        })
        {
            var path = Path.Combine(bag, manifest);
            File.WriteAllLines(path, File.ReadAllLines(path).Select(l => l.EndsWith(" bag-info.txt", StringComparison.Ordinal) ? $"{digest}  bag-info.txt" : l));
        }

        var offline = await Elic.RunAsync("archive", "validate", bag);
        var compared = await Elic.RunAsync("archive", "validate", bag, "--data-dir", registry.DataDirectory);

        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.True(compared.ExitCode == 1, compared.ToString());
        Assert.Contains($"FAIL    {ArchiveCheckIds.PackageDigest}", compared.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await Elic.RunAsync("archive", "validate", bag, "--data-dir", registry.Scratch("no-registry"))).ExitCode);
        Assert.Equal(2, (await Elic.RunAsync("archive", "validate", bag, "--postgres", "Host=127.0.0.1")).ExitCode);
    }

    [Fact]
    public async Task One_invalid_bag_in_a_folder_of_bags_makes_the_whole_run_exit_1()
    {
        var bag = registry.CopyOfABag("mixed");
        var good = registry.CopyOfABag("mixed-good");
        Directory.Move(good, Path.Combine(Path.GetDirectoryName(bag)!, "second"));
        File.AppendAllText(Path.Combine(bag, "data", "metadata", "license.xml"), " ");

        var run = await Elic.RunAsync("archive", "validate", Path.GetDirectoryName(bag)!);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("2 bags: 1 valid, 1 invalid", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_to_s3_then_validate_the_prefix_passes()
    {
        var endpoint = Environment.GetEnvironmentVariable("ELIC_TEST_S3") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException("ELIC_TEST_S3 is not set; scripts/test.sh installs and starts a throwaway s3rver and sets it.");
        var bucket = "elic-cli-" + Guid.NewGuid().ToString("N")[..16];
        using (var client = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        }

        var credentials = new Dictionary<string, string> { ["ELIC_S3_ACCESS_KEY"] = "S3RVER", ["ELIC_S3_SECRET_KEY"] = "S3RVER" };
        var export = await Elic.RunWithEnvironmentAsync(credentials, "archive", "export", "--type", ArchiveRegistryFixture.TypeCode,
            "--issued-from", "2025-01-01", "--issued-to", "2025-12-31", "--out", $"s3://{bucket}/2025", "--s3-endpoint", endpoint,
            "--data-dir", registry.DataDirectory, "--as", ArchiveRegistryFixture.Archivist);
        var validate = await Elic.RunWithEnvironmentAsync(credentials, "archive", "validate", $"s3://{bucket}/2025", "--s3-endpoint", endpoint);

        Assert.True(export.ExitCode == 0, export.ToString());
        ImportSample.AssertNoHolderData(export);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        var bags = Directory.GetDirectories(registry.ExportFolder).Length;
        Assert.Contains($"{bags} bags: {bags} valid, 0 invalid", validate.Output, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket}/2025/", validate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        string[] registryArgs = ["--data-dir", registry.DataDirectory, "--as", ArchiveRegistryFixture.Archivist, "--out", registry.Scratch("usage")];
        var empty = registry.Scratch("no-bags");
        Directory.CreateDirectory(empty);
        string[][] runs =
        [
            ["archive", "export", .. registryArgs],
            ["archive", "export", "--license", "1.2.3", .. registryArgs],
            ["archive", "export", "--type", ArchiveRegistryFixture.TypeCode, "--issued-from", "2025-13-01", "--issued-to", "2025-12-31", .. registryArgs],
            ["archive", "export", "--type", ArchiveRegistryFixture.TypeCode, "--issued-from", "2025-12-01", "--issued-to", "2025-01-31", .. registryArgs],
            ["archive", "export", "--type", ArchiveRegistryFixture.TypeCode, "--issued-from", "2025-01-01", "--issued-to", "2025-12-31", "--data-dir", registry.DataDirectory, "--as", ArchiveRegistryFixture.Archivist],
            ["archive", "export", "--type", ArchiveRegistryFixture.TypeCode, "--issued-from", "2025-01-01", "--issued-to", "2025-12-31",
                "--data-dir", registry.DataDirectory, "--as", ImportSample.Issuer, "--out", registry.Scratch("usage")],
            ["archive", "export", "--type", ArchiveRegistryFixture.TypeCode, "--issued-from", "2025-01-01", "--issued-to", "2025-12-31",
                "--data-dir", registry.Scratch("missing-registry"), "--as", ArchiveRegistryFixture.Archivist, "--out", registry.Scratch("usage")],
            ["archive", "export", "--license", "1.2.156.3005.2.11100000MB0000617G002.11500000MB1503013M.2025000001.001.F", "--config", registry.Scratch("missing.json"), .. registryArgs],
            ["archive", "export", "--license", "1.2.156.3005.2.11100000MB0000617G002.11500000MB1503013M.2025000001.001.F", "--s3-endpoint", "http://127.0.0.1:9", .. registryArgs],
            ["archive", "validate"],
            ["archive", "validate", registry.Scratch("nowhere")],
            ["archive", "validate", empty],
        ];

        foreach (var args in runs)
        {
            var run = await Elic.RunAsync(args);
            Assert.True(run.ExitCode == 2, string.Join(' ', args) + "\n" + run);
            Assert.NotEmpty(run.Error);
        }

        Assert.False(Directory.Exists(registry.Scratch("missing-registry")), "a missing registry must not be created by an export");
    }

    [Fact]
    public async Task A_well_formed_but_unregistered_license_exits_1_and_one_s3_credential_alone_exits_2()
    {
        var unregistered = ElectronicLicense.Licenses.Identifiers.LicenseId.Create(
            ElectronicLicense.Licenses.Identifiers.LicenseTypeCode.Parse(ArchiveRegistryFixture.TypeCode),
            ElectronicLicense.Licenses.Identifiers.UnifiedSocialCreditCode.Parse(ImportSample.Issuer), "2025009999", 1).Value;

        var unknown = await Elic.RunAsync("archive", "export", "--license", unregistered, "--out", registry.Scratch("unknown"),
            "--data-dir", registry.DataDirectory, "--as", ArchiveRegistryFixture.Archivist);
        var oneKey = await Elic.RunWithEnvironmentAsync(new Dictionary<string, string> { ["ELIC_S3_ACCESS_KEY"] = "S3RVER" },
            "archive", "validate", "s3://bucket/prefix", "--s3-endpoint", "http://127.0.0.1:9");

        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("is registered", unknown.Error, StringComparison.Ordinal);
        Assert.True(oneKey.ExitCode == 2, oneKey.ToString());
        Assert.Contains("ELIC_S3_SECRET_KEY", oneKey.Error, StringComparison.Ordinal);
    }

    private static int CountLines(string text, string checkId) =>
        text.Split('\n').Count(l => l.Contains(" " + checkId + ":", StringComparison.Ordinal) || l.Contains(" " + checkId + " [", StringComparison.Ordinal));

    private static bool ClamScanInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "clamscan")));
}
