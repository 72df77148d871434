using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectronicLicense.Api.Archives;

/// <summary>Electronic archives for archivists: export jobs, package downloads, 四性检测 reports; and case closure (办结即归档) for case-handling systems.</summary>
internal static class ArchivesApi
{
    public static IEndpointRouteBuilder MapArchivesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/archives").WithTags("Archives");
        group.MapPost("/exports", CreateExport).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("Queue an export of one license version or of a type's versions issued in a date range; poll the job for progress.");
        group.MapGet("/exports/{id}", GetExport).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("An export job's progress and result.");
        group.MapGet("/exports/{id}/packages", ExportedPackages).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("The bag names of a job's exported packages.");
        group.MapGet("/exports/{id}/download", DownloadExport).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("All packages of a completed job as one tar stream (one top-level folder per bag).");
        group.MapGet("/packages/{licenseId}", GetPackage).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("Where a license version's package is stored, its registered digest, 档号 and retention.");
        group.MapGet("/packages/{licenseId}/bag", DownloadPackage).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("A license version's package as a tar stream (RFC 8493 serialization: one top-level folder).");
        group.MapGet("/packages/{licenseId}/report", PackageReport).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("四性检测 of the stored package, run now.");
        group.MapPost("/case-closures", CloseCase).RequireAuthorization(Policies.AnyDepartment)
            .WithSummary("A case closed (办结): archive the license versions it used, marked with its case number.");
        group.MapGet("/queue", Queue).RequireAuthorization(Policies.ArchivistOrAdmin)
            .WithSummary("Packages waiting in the archive outbox, and those given up after every attempt failed.");
        return app;
    }

    private static async Task<Accepted<ArchiveExportResponse>> CreateExport(
        ArchiveExportRequest body, HttpContext context, ArchiveService archives, CancellationToken cancellationToken)
    {
        var selection = ArchiveSelection.From(body.LicenseId, body.TypeCode, body.IssuedFrom, body.IssuedTo);
        var job = await archives.CreateExportJobAsync(DepartmentTokenHandler.Caller(context), selection, cancellationToken);
        return TypedResults.Accepted($"/api/v1/archives/exports/{job.Id}", ArchiveExportResponse.From(job));
    }

    private static async Task<Ok<ArchiveExportResponse>> GetExport(
        string id, HttpContext context, ArchiveService archives, CancellationToken cancellationToken) =>
        TypedResults.Ok(ArchiveExportResponse.From(await FindJobAsync(id, context, archives, cancellationToken)));

    private static async Task<Ok<string[]>> ExportedPackages(
        string id, HttpContext context, ArchiveService archives, CancellationToken cancellationToken)
    {
        var job = await FindJobAsync(id, context, archives, cancellationToken);
        var names = new List<string>();
        await foreach (var name in archives.ExportedBagsAsync(job, cancellationToken))
        {
            names.Add(name);
        }

        return TypedResults.Ok(names.ToArray());
    }

    private static async Task<IResult> DownloadExport(string id, HttpContext context, ArchiveService archives, CancellationToken cancellationToken)
    {
        var job = await FindJobAsync(id, context, archives, cancellationToken);
        if (job.Status != "completed")
        {
            throw new RegistryException(RegistryErrorCodes.ExportNotComplete, $"The export is {job.Status}; download it once it is completed.");
        }

        return new TarResult($"export-{job.Id}.tar", (output, token) =>
            TarBagWriter.WriteAllAsync(BagsOf(job, archives, token), output, job.CompletedAt ?? job.CreatedAt, token));
    }

    private static async Task<Ok<ArchivedPackage>> GetPackage(string licenseId, string? caseNumber, ArchiveService archives, CancellationToken cancellationToken) =>
        TypedResults.Ok(await FindPackageAsync(licenseId, caseNumber, archives, cancellationToken));

    private static async Task<IResult> DownloadPackage(string licenseId, string? caseNumber, ArchiveService archives, CancellationToken cancellationToken)
    {
        var package = await FindPackageAsync(licenseId, caseNumber, archives, cancellationToken);
        return new TarResult(package.BagName + ".tar", (output, token) =>
            TarBagWriter.WriteAsync(archives.Open(package), output, package.BagName, package.ArchivedAt, token));
    }

    private static async Task<ContentHttpResult> PackageReport(string licenseId, string? caseNumber, ArchiveService archives, CancellationToken cancellationToken)
    {
        var package = await FindPackageAsync(licenseId, caseNumber, archives, cancellationToken);
        var report = await archives.InspectAsync(archives.Open(package), cancellationToken: cancellationToken);
        return TypedResults.Text(report.ToJson(), "application/json");
    }

    private static async Task<Accepted<CaseClosureResponse>> CloseCase(
        CaseClosureRequest body, HttpContext context, ArchiveService archives, CancellationToken cancellationToken)
    {
        var ids = (body.LicenseIds ?? []).Select((text, i) => LicenseId.TryParse(text, out var id, out var error)
            ? id
            : throw RegistryException.Validation($"/licenseIds/{i}", error)).ToList();
        await archives.CloseCaseAsync(DepartmentTokenHandler.Caller(context), body.CaseNumber ?? string.Empty, ids, cancellationToken);
        return TypedResults.Accepted("/api/v1/archives/queue", new CaseClosureResponse(body.CaseNumber!.Trim(), ids.Select(i => i.Value).Distinct().Count()));
    }

    private static async Task<Ok<ArchiveQueueResponse>> Queue(ArchiveService archives, CancellationToken cancellationToken)
    {
        var (pending, gaveUp) = await archives.QueueCountsAsync(cancellationToken);
        return TypedResults.Ok(new ArchiveQueueResponse(pending, gaveUp, archives.StoreLocation));
    }

    private static async Task<ArchivedPackage> FindPackageAsync(string licenseId, string? caseNumber, ArchiveService archives, CancellationToken cancellationToken)
    {
        if (!LicenseId.TryParse(licenseId, out var id, out var error))
        {
            throw RegistryException.Validation("/licenseId", error);
        }

        return await archives.FindAsync(id, caseNumber ?? string.Empty, cancellationToken)
            ?? throw new RegistryException(RegistryErrorCodes.ArchiveNotFound,
                $"No package of {id.Value}{(string.IsNullOrEmpty(caseNumber) ? string.Empty : " for that case")} is archived (yet); export it to archive it now.");
    }

    private static async Task<ArchiveExportJob> FindJobAsync(string id, HttpContext context, ArchiveService archives, CancellationToken cancellationToken) =>
        await archives.FindExportJobAsync(DepartmentTokenHandler.Caller(context), id, cancellationToken)
            ?? throw new RegistryException(RegistryErrorCodes.ExportNotFound, "No export job of your department has this id.");

    private static async IAsyncEnumerable<(string, IBagSource)> BagsOf(
        ArchiveExportJob job, ArchiveService archives, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var name in archives.ExportedBagsAsync(job, cancellationToken))
        {
            yield return (name, archives.OpenExported(job, name));
        }
    }

    /// <summary>Streams a tar body as it is produced: a package is never held in memory.</summary>
    private sealed class TarResult(string fileName, Func<Stream, CancellationToken, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/x-tar";
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await write(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}

/// <summary>Body of <c>POST /api/v1/archives/exports</c>: <c>licenseId</c>, or <c>typeCode</c> with <c>issuedFrom</c> and <c>issuedTo</c> (inclusive, yyyy-MM-dd).</summary>
internal sealed class ArchiveExportRequest
{
    public string? LicenseId { get; set; }

    public string? TypeCode { get; set; }

    public string? IssuedFrom { get; set; }

    public string? IssuedTo { get; set; }
}

/// <summary>Body of <c>POST /api/v1/archives/case-closures</c>.</summary>
internal sealed class CaseClosureRequest
{
    public string? CaseNumber { get; set; }

    public List<string>? LicenseIds { get; set; }
}

internal sealed record CaseClosureResponse(string CaseNumber, int Queued);

internal sealed record ArchiveQueueResponse(int Pending, int GaveUp, string Store);

internal sealed record ArchiveExportResponse(
    string Id, string Status, string Selection, int Total, int Exported, int Failed, long Bytes, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string Packages, string Download)
{
    public static ArchiveExportResponse From(ArchiveExportJob job) => new(
        job.Id, job.Status, job.Selection.ToString(), job.Total, job.Exported, job.Failed, job.Bytes, job.Error,
        job.CreatedAt, job.StartedAt, job.CompletedAt,
        $"/api/v1/archives/exports/{job.Id}/packages", $"/api/v1/archives/exports/{job.Id}/download");
}
