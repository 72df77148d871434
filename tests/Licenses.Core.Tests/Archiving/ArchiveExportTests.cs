using System.Collections.Concurrent;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Tests.Issuance;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Archiving;

/// <summary>Export copies several packages at once: results keep the selection's order, and nothing is written after it ends.</summary>
public sealed class ArchiveExportTests(IssuanceRegistry registry) : IClassFixture<IssuanceRegistry>, IDisposable
{
    private const string Archivist = "11500000MB15040166";
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("elic-archive-export-");

    public void Dispose() => work.Delete(recursive: true);

    private ArchiveService Archives => registry.Services.GetRequiredService<ArchiveService>();

    [Fact]
    public async Task Export_returns_every_selected_version_once_in_issue_order_whether_archived_before_or_not()
    {
        var issued = new List<LicenseId>();
        for (var day = 1; day <= 12; day++)
        {
            issued.Add(await IssueAsync($"2019-05-{day:00}"));
        }

        foreach (var id in issued.Where((_, i) => i % 2 == 0))
        {
            await Archives.ArchiveAsync(id);
        }

        var caller = await registry.ActAsAsync(Archivist, DepartmentRole.Archivist);
        var selection = ArchiveSelection.ForType(issued[0].TypeCode, new DateOnly(2019, 5, 1), new DateOnly(2019, 5, 31));
        var items = new List<ArchiveExportItem>();
        await foreach (var item in Archives.ExportAsync(caller, selection, name => new DirectoryBagTarget(Path.Combine(work.FullName, name)), "test"))
        {
            items.Add(item);
        }

        Assert.Equal(issued.Select(i => i.Value), items.Select(i => i.LicenseId));
        Assert.All(items, i => Assert.Null(i.Error));
        foreach (var item in items)
        {
            var package = await Archives.FindAsync(LicenseId.Parse(item.LicenseId));
            Assert.Equal(package!.PackageSha256, item.PackageSha256);
            var report = await Archives.InspectAsync(new DirectoryBagSource(Path.Combine(work.FullName, item.BagName)));
            Assert.True(report.Valid, report.ToText());
        }
    }

    [Fact]
    public async Task A_target_that_fails_for_one_package_fails_that_item_only()
    {
        var ids = new[] { await IssueAsync("2018-02-01"), await IssueAsync("2018-02-02"), await IssueAsync("2018-02-03") };
        var broken = ArchiveLayout.BaseDirectory(ids[1]);
        var caller = await registry.ActAsAsync(Archivist, DepartmentRole.Archivist);
        var selection = ArchiveSelection.ForType(ids[0].TypeCode, new DateOnly(2018, 2, 1), new DateOnly(2018, 2, 28));

        var items = new List<ArchiveExportItem>();
        await foreach (var item in Archives.ExportAsync(caller, selection,
            name => name == broken ? new FailingTarget() : new DirectoryBagTarget(Path.Combine(work.FullName, name)), "test"))
        {
            items.Add(item);
        }

        Assert.Equal(ids.Select(i => i.Value), items.Select(i => i.LicenseId));
        Assert.Contains("IOException", items[1].Error);
        Assert.Null(items[0].Error);
        Assert.Null(items[2].Error);
        Assert.True((await Archives.InspectAsync(new DirectoryBagSource(Path.Combine(work.FullName, items[2].BagName)))).Valid);
    }

    [Fact]
    public async Task Nothing_is_written_after_a_cancelled_or_abandoned_export_has_ended()
    {
        var ids = new List<LicenseId>();
        for (var day = 1; day <= 10; day++)
        {
            ids.Add(await IssueAsync($"2017-07-{day:00}"));
        }

        var caller = await registry.ActAsAsync(Archivist, DepartmentRole.Archivist);
        var selection = ArchiveSelection.ForType(ids[0].TypeCode, new DateOnly(2017, 7, 1), new DateOnly(2017, 7, 31));

        // Cancelled after the first result.
        var cancelled = new RecordingTarget();
        using (var cancel = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var _ in Archives.ExportAsync(caller, selection, _ => cancelled, "test", cancel.Token))
                {
                    await cancel.CancelAsync();
                }
            });
        }

        await cancelled.AssertQuietAfterEndAsync();

        // Abandoned by the caller after the first result.
        var abandoned = new RecordingTarget();
        await foreach (var _ in Archives.ExportAsync(caller, selection, _ => abandoned, "test"))
        {
            break;
        }

        await abandoned.AssertQuietAfterEndAsync();
    }

    [Fact]
    public async Task A_case_closure_naming_unregistered_licenses_points_at_each_by_its_position()
    {
        var id = await IssueAsync("2016-01-04");
        var unknown = id.WithVersion(999);
        var caller = await registry.ActAsAsync(Archivist, DepartmentRole.Verifier);

        var error = await Assert.ThrowsAsync<RegistryException>(() => Archives.CloseCaseAsync(caller, "BJ-7", [id, unknown, id, unknown]));

        Assert.Equal(RegistryErrorCodes.LicenseNotFound, error.Code);
        Assert.Equal(["/licenseIds/1", "/licenseIds/3"], error.Errors.Select(e => e.Pointer));
        Assert.Null(await Archives.FindAsync(id, "BJ-7"));
    }

    private Task<LicenseId> IssueAsync(string issueDate) => ArchiveTestLicenses.IssueAsync(registry, issueDate);

    private sealed class FailingTarget : IBagTarget
    {
        public string Location => "failing";

        public Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default) =>
            throw new IOException("disk full");
    }

    /// <summary>Records each write's start and end; slow enough that several packages are in flight when the export ends.</summary>
    private sealed class RecordingTarget : IBagTarget
    {
        private readonly ConcurrentQueue<DateTimeOffset> writes = new();
        private DateTimeOffset? ended;

        public string Location => "recording";

        public async Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default)
        {
            writes.Enqueue(DateTimeOffset.UtcNow);
            await Task.Delay(20, cancellationToken);
            await content.CopyToAsync(Stream.Null, cancellationToken);
            writes.Enqueue(DateTimeOffset.UtcNow);
        }

        public async Task AssertQuietAfterEndAsync()
        {
            ended = DateTimeOffset.UtcNow;
            var before = writes.Count;
            await Task.Delay(300);
            Assert.True(before > 0);
            Assert.Equal(before, writes.Count);
            Assert.All(writes, w => Assert.True(w <= ended));
        }
    }
}
