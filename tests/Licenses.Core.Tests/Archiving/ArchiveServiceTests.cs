using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Tests.Issuance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Archiving;

/// <summary>办结即归档 and export end to end on an embedded registry: outbox, archive store, 四性检测 and export to a folder.</summary>
public sealed class ArchiveServiceTests(IssuanceRegistry registry) : IClassFixture<IssuanceRegistry>, IDisposable
{
    private const string Archivist = "11500000MB15040166";
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("elic-archive-service-");

    public void Dispose() => work.Delete(recursive: true);

    private ArchiveService Archives => registry.Services.GetRequiredService<ArchiveService>();

    private static IEnumerable<string> EveryCheckId =>
        BagValidator.CheckIds.Concat(ArchiveContentInspector.CheckIds).Append(ArchiveCheckIds.PackageDigest);

    private Task<LicenseId> IssueAsync(string? issueDate = null) => ArchiveTestLicenses.IssueAsync(registry, issueDate);

    [Fact]
    public async Task A_stored_version_is_queued_in_its_transaction_and_archived_by_the_worker_pass()
    {
        var id = await IssueAsync();
        await using (var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync())
        {
            Assert.Single(await db.ArchiveOutbox.Where(r => r.LicenseId == id.Value && r.CompletedAtUtc == null).ToListAsync());
        }

        Assert.Null(await Archives.FindAsync(id));
        await Task.Delay(TimeSpan.FromSeconds(1.2));   // the settle delay lets the issue's audit events reach the log first
        while (await Archives.ProcessQueueAsync(50) > 0)
        {
        }

        var package = await Archives.FindAsync(id);
        Assert.NotNull(package);
        Assert.Equal(ArchiveLayout.BaseDirectory(id), package.BagName);
        Assert.Equal(ArchiveLayout.RetentionName((registry.Catalog.TryGet(id.TypeCode, out var type) ? type : throw new InvalidOperationException()).Retention), package.Retention);
        Assert.False(package.RetentionEnforced);   // the folder store records retention; it does not enforce it

        var report = await Archives.InspectAsync(Archives.Open(package));
        Assert.True(report.Valid, report.ToText());
        Assert.Equal(id.Value, report.LicenseId);
        Assert.Empty(EveryCheckId.Except(report.Checks.Select(c => c.Id)));
        Assert.Equal(ArchiveCheckResult.Passed, report.Checks.Single(c => c.Id == ArchiveCheckIds.PackageDigest).Result);
        if (!ClamScanInstalled)
        {
            Assert.Equal(ArchiveCheckResult.NotRun, report.Checks.Single(c => c.Id == ArchiveCheckIds.VirusScan).Result);
        }
    }

    [Fact]
    public async Task Archiving_twice_gives_the_same_package()
    {
        var id = await IssueAsync();
        var first = await Archives.ArchiveAsync(id);
        var second = await Archives.ArchiveAsync(id);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_changed_tag_manifest_fails_the_registered_package_digest()
    {
        var id = await IssueAsync();
        var package = await Archives.ArchiveAsync(id);
        var folder = Path.Combine(work.FullName, package.BagName);
        await CopyAsync(Archives.Open(package), folder);

        // Re-bag the same payload as someone else would: every BagIt check passes, but it is not the package the registry archived.
        File.AppendAllText(Path.Combine(folder, "bag-info.txt"), "Contact-Name: someone\n");
        RewriteTagManifests(folder);

        var report = await Archives.InspectAsync(new DirectoryBagSource(folder));
        var digest = report.Checks.Single(c => c.Id == ArchiveCheckIds.PackageDigest);
        Assert.Equal(ArchiveCheckResult.Failed, digest.Result);
        Assert.Contains(package.PackageSha256, digest.Reason);
        Assert.DoesNotContain(report.Checks, c => c.Id == ArchiveCheckIds.TagFixity && c.Result == ArchiveCheckResult.Failed);
    }

    [Fact]
    public async Task Offline_inspection_reports_the_registry_comparison_as_not_run_never_passed()
    {
        var id = await IssueAsync();
        var package = await Archives.ArchiveAsync(id);
        var report = await ArchiveService.InspectOfflineAsync(Archives.Open(package), null, TimeProvider.System);
        Assert.True(report.Valid, report.ToText());
        Assert.Equal(ArchiveCheckResult.NotRun, report.Checks.Single(c => c.Id == ArchiveCheckIds.PackageDigest).Result);
    }

    [Fact]
    public async Task Export_by_type_and_issue_dates_copies_exactly_the_selected_versions_as_valid_bags()
    {
        var inRange = new[] { await IssueAsync(issueDate: "2021-03-01"), await IssueAsync(issueDate: "2021-03-31") };
        var outside = await IssueAsync(issueDate: "2021-04-01");
        var caller = await registry.ActAsAsync(Archivist, DepartmentRole.Archivist);
        var selection = ArchiveSelection.ForType(inRange[0].TypeCode, new DateOnly(2021, 3, 1), new DateOnly(2021, 3, 31));

        var items = new List<ArchiveExportItem>();
        await foreach (var item in Archives.ExportAsync(caller, selection, name => new DirectoryBagTarget(Path.Combine(work.FullName, name)), "test"))
        {
            items.Add(item);
        }

        Assert.All(items, i => Assert.Null(i.Error));
        Assert.Equal(inRange.Select(i => i.Value).Order(), items.Select(i => i.LicenseId).Order());
        Assert.Equal(items.Count, await Archives.CountAsync(selection));
        Assert.False(Directory.Exists(Path.Combine(work.FullName, ArchiveLayout.BaseDirectory(outside))));
        foreach (var item in items)
        {
            var report = await Archives.InspectAsync(new DirectoryBagSource(Path.Combine(work.FullName, item.BagName)));
            Assert.True(report.Valid, report.ToText());
            Assert.Equal(ArchiveCheckResult.Passed, report.Checks.Single(c => c.Id == ArchiveCheckIds.PackageDigest).Result);
        }
    }

    [Fact]
    public async Task A_closed_case_archives_its_licenses_marked_with_the_case_number()
    {
        var id = await IssueAsync();
        var caller = await registry.ActAsAsync(Archivist, DepartmentRole.Verifier);
        await Archives.CloseCaseAsync(caller, "BJ-2026-0042", [id]);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        while (await Archives.ProcessQueueAsync(50) > 0)
        {
        }

        var package = await Archives.FindAsync(id, "BJ-2026-0042");
        Assert.NotNull(package);
        await using var info = await Archives.Open(package).OpenAsync("bag-info.txt");
        Assert.Contains("Bag-Group-Identifier: BJ-2026-0042", await new StreamReader(info!).ReadToEndAsync());

        var unknown = LicenseId.Parse(id.Value).WithVersion(999);
        var error = await Assert.ThrowsAsync<Errors.RegistryException>(() => Archives.CloseCaseAsync(caller, "BJ-1", [unknown]));
        Assert.Equal(Errors.RegistryErrorCodes.LicenseNotFound, error.Code);
    }

    private static bool ClamScanInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, "clamscan")));

    private static async Task CopyAsync(IBagSource source, string folder)
    {
        var target = new DirectoryBagTarget(folder);
        await foreach (var file in source.ListFilesAsync())
        {
            await using var content = (await source.OpenAsync(file.RelativePath))!;
            await target.WriteAsync(file.RelativePath, content);
        }
    }

    private static void RewriteTagManifests(string folder)
    {
        foreach (var (name, hash) in new (string, Func<byte[], string>)[]
        {
            ("tagmanifest-sha256.txt", b => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(b))),
            ("tagmanifest-sm3.txt", b => Convert.ToHexStringLower(Seals.Pki.Sm3.Hash(b))),
        })
        {
            var path = Path.Combine(folder, name);
            var lines = File.ReadAllLines(path).Select(line =>
            {
                var file = line[(line.IndexOf(' ') + 2)..];
                return $"{hash(File.ReadAllBytes(Path.Combine(folder, file)))}  {file}";
            });
            File.WriteAllText(path, string.Join('\n', lines) + "\n");
        }
    }
}
