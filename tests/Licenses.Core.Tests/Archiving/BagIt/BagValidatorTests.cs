using System.Text;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using static ElectronicLicense.Licenses.Tests.Archiving.BagIt.BagTestSupport;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

public sealed class BagValidatorTests : IDisposable
{
    private const string Pdf = $"data/documents/{LicenseId}.pdf";
    private const string Status = "data/history/status.json";
    private readonly List<string> folders = [];

    public void Dispose()
    {
        foreach (var folder in folders)
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    private async Task<string> BagAsync()
    {
        var (folder, _) = await WriteFolderAsync();
        folders.Add(folder);
        return folder;
    }

    /// <summary>Rewrites a manifest and then its tag-manifest lines, so only the intended check fails.</summary>
    private static void EditManifest(string folder, string manifest, Func<string, string> change)
    {
        Edit(Path.Combine(folder, manifest), change);
        var bytes = File.ReadAllBytes(Path.Combine(folder, manifest));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var sm3 = Convert.ToHexStringLower(Seals.Pki.Sm3.Hash(bytes));
        Edit(Path.Combine(folder, "tagmanifest-sha256.txt"), t => string.Join('\n', t.Split('\n').Select(l => l.EndsWith("  " + manifest, StringComparison.Ordinal) ? $"{sha}  {manifest}" : l)));
        Edit(Path.Combine(folder, "tagmanifest-sm3.txt"), t => string.Join('\n', t.Split('\n').Select(l => l.EndsWith("  " + manifest, StringComparison.Ordinal) ? $"{sm3}  {manifest}" : l)));
    }

    [Fact]
    public async Task A_written_bag_passes_every_check_and_the_report_names_each_one()
    {
        var report = await ValidateFolderAsync(await BagAsync());

        AssertAllPassed(report);
        Assert.All(report, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
        Assert.Equal(ArchiveProperty.Authenticity, report.Single(c => c.Id == ArchiveCheckIds.Fixity).Property);
        Assert.Equal(ArchiveProperty.Security, report.Single(c => c.Id == ArchiveCheckIds.Paths).Property);
    }

    [Fact]
    public async Task Missing_payload_file_fails_files_present()
    {
        var folder = await BagAsync();
        File.Delete(Path.Combine(folder, Pdf));

        var check = AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.FilesPresent, Pdf, ArchiveCheckIds.PayloadOxum);
        Assert.Contains("manifest-sha256.txt", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extra_payload_file_fails_no_unlisted_files()
    {
        var folder = await BagAsync();
        File.WriteAllText(Path.Combine(folder, "data/documents/extra.exe"), "MZ");

        AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.NoUnlistedFiles, "data/documents/extra.exe", ArchiveCheckIds.PayloadOxum);
    }

    [Fact]
    public async Task Payload_file_listed_in_one_manifest_only_fails_no_unlisted_files_naming_the_other()
    {
        var folder = await BagAsync();
        EditManifest(folder, "manifest-sm3.txt", t => string.Join('\n', t.Split('\n').Where(l => !l.EndsWith(Status, StringComparison.Ordinal))));

        var check = AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.NoUnlistedFiles, Status);
        Assert.Contains("manifest-sm3.txt", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest-sha256.txt", "SHA-256")]
    [InlineData("manifest-sm3.txt", "SM3")]
    public async Task Wrong_digest_in_one_manifest_fails_fixity_for_that_algorithm_only(string manifest, string algorithm)
    {
        var folder = await BagAsync();
        EditManifest(folder, manifest, t => string.Join('\n', t.Split('\n').Select(l => l.EndsWith(Status, StringComparison.Ordinal) ? (l[0] == '0' ? "1" : "0") + l[1..] : l)));

        var report = await ValidateFolderAsync(folder);

        var check = AssertFails(report, ArchiveCheckIds.Fixity, Status);
        Assert.Equal($"{algorithm} differs from {manifest}", check.Reason);
        Assert.Single(report, c => c.Result == ArchiveCheckResult.Failed);
    }

    [Fact]
    public async Task Changed_payload_file_fails_fixity_for_both_algorithms()
    {
        var folder = await BagAsync();
        File.WriteAllText(Path.Combine(folder, Status), "[{}]");

        var report = await ValidateFolderAsync(folder);

        AssertFails(report, ArchiveCheckIds.Fixity, Status, ArchiveCheckIds.PayloadOxum);
        Assert.Equal(2, report.Count(c => c.Id == ArchiveCheckIds.Fixity && c.Result == ArchiveCheckResult.Failed));
    }

    [Fact]
    public async Task Wrong_Payload_Oxum_fails_payload_oxum()
    {
        var folder = await BagAsync();
        EditManifest(folder, "bag-info.txt", t => t.Replace("Payload-Oxum: ", "Payload-Oxum: 1", StringComparison.Ordinal));

        var check = AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.PayloadOxum, "bag-info.txt");
        Assert.Contains("5 files", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data/../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("data\\documents\\x")]
    [InlineData("bagit.txt")]
    public async Task Path_escaping_the_payload_in_a_manifest_fails_security_paths_and_is_not_opened(string path)
    {
        var folder = await BagAsync();
        EditManifest(folder, "manifest-sha256.txt", t => t + $"{new string('a', 64)}  {path}\n");

        var check = AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.Paths, path);
        Assert.Contains("manifest-sha256.txt", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_manifest_line_fails_manifest_well_formed()
    {
        var folder = await BagAsync();
        EditManifest(folder, "manifest-sm3.txt", t => t + t.Split('\n')[0] + "\n");

        var check = AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.ManifestWellFormed, null);
        Assert.Contains("twice", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a manifest line")]
    [InlineData("abc  data/x")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000  data/x")]
    public async Task Malformed_manifest_line_fails_manifest_well_formed(string line)
    {
        var folder = await BagAsync();
        EditManifest(folder, "manifest-sha256.txt", t => t + line + "\n");

        var check = AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.ManifestWellFormed, "manifest-sha256.txt");
        Assert.Contains("line 6", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest-sm3.txt")]
    [InlineData("tagmanifest-sha256.txt")]
    public async Task Missing_required_manifest_fails_manifest_well_formed(string manifest)
    {
        var folder = await BagAsync();
        File.Delete(Path.Combine(folder, manifest));

        AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.ManifestWellFormed, manifest, ArchiveCheckIds.FilesPresent);
    }

    [Fact]
    public async Task Tampered_tag_file_fails_tag_fixity()
    {
        var folder = await BagAsync();
        Edit(Path.Combine(folder, "bag-info.txt"), t => t.Replace("重庆市电子证照库", "某某市", StringComparison.Ordinal));

        var report = await ValidateFolderAsync(folder);

        AssertFails(report, ArchiveCheckIds.TagFixity, "bag-info.txt");
        Assert.Equal(2, report.Count(c => c.Result == ArchiveCheckResult.Failed));
    }

    [Fact]
    public async Task Missing_bagit_txt_fails_bag_declaration()
    {
        var folder = await BagAsync();
        File.Delete(Path.Combine(folder, "bagit.txt"));

        AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.BagDeclaration, "bagit.txt", ArchiveCheckIds.FilesPresent);
    }

    [Theory]
    [InlineData("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")]
    [InlineData("BagIt-Version: 1.0\nTag-File-Character-Encoding: GB18030\n")]
    [InlineData("\uFEFFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")]
    [InlineData("BagIt-Version: 1.0\n")]
    public async Task Bad_bagit_txt_fails_bag_declaration(string text)
    {
        var folder = await BagAsync();
        EditManifest(folder, "bagit.txt", _ => text);

        AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.BagDeclaration, "bagit.txt");
    }

    [Fact]
    public async Task Malformed_bag_info_fails_bag_declaration()
    {
        var folder = await BagAsync();
        EditManifest(folder, "bag-info.txt", t => "no colon on this line\n" + t);

        AssertFails(await ValidateFolderAsync(folder), ArchiveCheckIds.BagDeclaration, "bag-info.txt", ArchiveCheckIds.PayloadOxum);
    }

    [Fact]
    public async Task Folded_bag_info_value_is_read_as_one_element()
    {
        var folder = await BagAsync();
        EditManifest(folder, "bag-info.txt", t => t.Replace("External-Identifier: ", "External-Identifier:\n  ", StringComparison.Ordinal));

        AssertAllPassed(await ValidateFolderAsync(folder));
    }

    [Fact]
    public async Task Symbolic_link_in_the_payload_fails_security_paths_and_is_not_followed()
    {
        var folder = await BagAsync();
        var secret = Path.Combine(Path.GetDirectoryName(folder)!, "outside.txt");
        File.WriteAllText(secret, "[]");
        File.Delete(Path.Combine(folder, Status));
        File.CreateSymbolicLink(Path.Combine(folder, Status), secret);

        var report = await ValidateFolderAsync(folder);

        AssertFails(report, ArchiveCheckIds.Paths, Status, ArchiveCheckIds.FilesPresent, ArchiveCheckIds.PayloadOxum);
        Assert.Null(await new DirectoryBagSource(folder).OpenAsync(Status));
    }

    [Fact]
    public async Task Missing_folder_is_reported_not_thrown()
    {
        var report = await ValidateFolderAsync(Path.Combine(Path.GetTempPath(), "elic-no-such-bag-" + Guid.NewGuid()));

        Assert.Equal(ArchiveCheckResult.Failed, report.Single(c => c.Id == ArchiveCheckIds.BagDeclaration).Result);
        Assert.All(report.Where(c => c.Id != ArchiveCheckIds.BagDeclaration), c => Assert.Equal(ArchiveCheckResult.NotRun, c.Result));
    }

    [Fact]
    public async Task Plain_RFC_8493_bag_with_only_a_sha512_manifest_validates_under_the_rfc_options_and_not_the_archive_profile()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("elic-bagit-").FullName, "plain");
        folders.Add(folder);
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var bytes = Encoding.UTF8.GetBytes("hello");
        File.WriteAllBytes(Path.Combine(folder, "data", "hello.txt"), bytes);
        File.WriteAllText(Path.Combine(folder, "bagit.txt"), "BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n");
        File.WriteAllText(Path.Combine(folder, "manifest-sha512.txt"), Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(bytes)) + " \tdata/hello.txt\r\n");

        var rfc = await BagValidator.ValidateAsync(new DirectoryBagSource(folder), BagValidationOptions.Rfc8493);
        var profile = await BagValidator.ValidateAsync(new DirectoryBagSource(folder));

        Assert.DoesNotContain(rfc, c => c.Result == ArchiveCheckResult.Failed);
        Assert.Equal(ArchiveCheckResult.NotRun, rfc.Single(c => c.Id == ArchiveCheckIds.TagFixity).Result);
        Assert.Equal(ArchiveCheckResult.NotRun, rfc.Single(c => c.Id == ArchiveCheckIds.PayloadOxum).Result);
        Assert.Contains(profile, c => c.Id == ArchiveCheckIds.ManifestWellFormed && c.Result == ArchiveCheckResult.Failed && c.Path == "manifest-sm3.txt");
    }
}
