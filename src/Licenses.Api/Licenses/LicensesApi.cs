using ElectronicLicense.Licenses.Lifecycle;
using System.Text.Json;
using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Api.Problems;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Api.Licenses;

/// <summary>归集 (push), reads and lifecycle of licenses.</summary>
internal static class LicensesApi
{
    public static IEndpointRouteBuilder MapLicensesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/licenses").WithTags("Licenses");
        group.MapPost("/", Push).RequireAuthorization(Policies.Issuer);
        group.MapPost("/batch", PushBatch).RequireAuthorization(Policies.Issuer);
        group.MapPost("/search", Search).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/{id}", Get).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/{id}/document", Document).RequireAuthorization(Policies.AnyDepartment);
        group.MapPost("/{id}/revoke", (string id, StatusChangeRequest body, HttpContext context, LifecycleService lifecycle) =>
            Change(id, LifecycleAction.Revoke, body, context, lifecycle)).RequireAuthorization(Policies.IssuerOrAdmin);
        group.MapPost("/{id}/suspend", (string id, StatusChangeRequest body, HttpContext context, LifecycleService lifecycle) =>
            Change(id, LifecycleAction.Suspend, body, context, lifecycle)).RequireAuthorization(Policies.IssuerOrAdmin);
        group.MapPost("/{id}/resume", (string id, StatusChangeRequest body, HttpContext context, LifecycleService lifecycle) =>
            Change(id, LifecycleAction.Resume, body, context, lifecycle)).RequireAuthorization(Policies.IssuerOrAdmin);
        return app;
    }

    private static async Task<Results<Created<IngestResponse>, Ok<IngestResponse>>> Push(
        HttpContext context, IngestService ingest, IOptions<IngestOptions> options, CancellationToken cancellationToken)
    {
        RequestBody.RequireMediaType(context.Request, "application/json");
        var json = await RequestBody.ReadTextAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        var result = await ingest.IngestAsync(DepartmentTokenHandler.Caller(context), json, cancellationToken);
        var response = IngestResponse.From(result);
        return result.Outcome == IngestOutcome.Unchanged
            ? TypedResults.Ok(response)
            : TypedResults.Created($"/api/v1/licenses/{response.LicenseId}", response);
    }

    /// <summary>Streams one NDJSON result line per input line as each chunk is stored, then a summary line.</summary>
    private static async Task PushBatch(HttpContext context, IngestService ingest, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        RequestBody.RequireMediaType(context.Request, "application/x-ndjson", "application/jsonl", "application/json-seq");
        RequestBody.AllowUnboundedStream(context);
        var caller = DepartmentTokenHandler.Caller(context);
        var serializer = json.Value.SerializerOptions;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        var counts = new Dictionary<string, int>(StringComparer.Ordinal) { ["created"] = 0, ["new-version"] = 0, ["unchanged"] = 0, ["rejected"] = 0 };
        var lines = 0;
        try
        {
            await foreach (var item in ingest.IngestBatchAsync(caller, context.Request.Body, cancellationToken))
            {
                lines++;
                var outcome = Names.Of(item.Result.Outcome);
                counts[outcome]++;
                object line = item.Result.Error is { } error
                    ? new BatchRejected(item.Line, outcome, ProblemResults.From(error))
                    : new BatchAccepted(item.Line, outcome, item.Result.LicenseId!.Value, item.Result.Version!.Value, item.Result.ContentSha256!, Names.Of(item.Result.Documents));
                await WriteLineAsync(context, line, serializer, cancellationToken);
            }

            await WriteLineAsync(context, new BatchSummary(new BatchCounts(lines, counts["created"], counts["new-version"], counts["unchanged"], counts["rejected"])), serializer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Headers are sent: report in-band. Every line reported above is stored; nothing after it is.
            await WriteLineAsync(context, new BatchAborted(new BatchAbortInfo(lines,
                "The batch stopped after the lines reported above; they are stored. Later lines were not processed: push them again.")), serializer, CancellationToken.None);
            throw;
        }
    }

    private static async Task WriteLineAsync(HttpContext context, object value, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(context.Response.Body, value, value.GetType(), options, cancellationToken);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static async Task<Ok<LicenseResponse>> Get(string id, HttpContext context, LicenseQueryService queries, CancellationToken cancellationToken)
    {
        var view = await queries.GetAsync(DepartmentTokenHandler.Caller(context), ParseId(id), cancellationToken);
        return TypedResults.Ok(LicenseResponse.From(view));
    }

    /// <summary>The sealed document of a license version (<c>?format=ofd</c>, the default, or <c>pdf</c>), as stored: its hashes in headers.</summary>
    private static async Task<FileStreamHttpResult> Document(
        string id, string? format, HttpContext context, LicenseQueryService queries, CancellationToken cancellationToken)
    {
        format = (format ?? "ofd").ToLowerInvariant();
        if (format is not ("ofd" or "pdf"))
        {
            throw new RegistryException(RegistryErrorCodes.ValidationFailed, "The document format is invalid.", [new FieldError("/format", "must be ofd or pdf")]);
        }

        var licenseId = ParseId(id);
        var (document, content) = await queries.OpenDocumentAsync(DepartmentTokenHandler.Caller(context), licenseId, format, cancellationToken);
        context.Response.Headers["X-Content-SHA256"] = document.Sha256;
        context.Response.Headers["X-Content-SM3"] = document.Sm3;
        context.Response.Headers.ETag = $"\"{document.Sha256}\"";
        return TypedResults.File(content, format == "ofd" ? "application/ofd" : "application/pdf", $"{licenseId.Value}.{format}");
    }

    private static async Task<Ok<LicenseSummaryResponse[]>> Search(
        LicenseSearchRequest body, HttpContext context, LicenseQueryService queries, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(body.HolderCode) || body.HolderCode.Length != 18)
        {
            errors.Add(new FieldError("/holderCode", "is required: the holder's 18-character 公民身份号码 or 统一社会信用代码"));
        }

        LicenseTypeCode? type = null;
        if (body.TypeCode is not null && !LicenseTypeCode.TryParse(body.TypeCode, out type, out var reason))
        {
            errors.Add(new FieldError("/typeCode", reason));
        }

        if (errors.Count > 0)
        {
            throw new RegistryException(RegistryErrorCodes.ValidationFailed, "The search is invalid.", errors);
        }

        var found = await queries.SearchAsync(DepartmentTokenHandler.Caller(context), body.HolderCode!, type, cancellationToken);
        return TypedResults.Ok(found.Select(s => new LicenseSummaryResponse(
            s.CurrentId.Value, s.TypeName, s.Number, s.HolderName, Names.Of(s.Status),
            s.ValidUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).ToArray());
    }

    private static async Task<Ok<LicenseResponse>> Change(
        string id, LifecycleAction action, StatusChangeRequest body, HttpContext context, LifecycleService lifecycle)
    {
        var view = await lifecycle.ChangeStatusAsync(DepartmentTokenHandler.Caller(context), ParseId(id), action, body.ReasonCode, body.Note, context.RequestAborted);
        return TypedResults.Ok(LicenseResponse.From(view));
    }

    private static LicenseId ParseId(string id) =>
        LicenseId.TryParse(Uri.UnescapeDataString(id), out var parsed, out var reason)
            ? parsed
            : throw new RegistryException(RegistryErrorCodes.LicenseNotFound, "Not a 证照标识: " + reason);

    // Documents: "pending" while the registry seals them in the background (verifiable by id meanwhile), "attached" for a pushed file.
    private sealed record BatchAccepted(int Line, string Outcome, string LicenseId, int Version, string ContentSha256, string Documents);

    private sealed record BatchRejected(int Line, string Outcome, Microsoft.AspNetCore.Mvc.ProblemDetails Problem);

    private sealed record BatchSummary(BatchCounts Summary);

    private sealed record BatchCounts(int Lines, int Created, int NewVersion, int Unchanged, int Rejected);

    private sealed record BatchAborted(BatchAbortInfo Aborted);

    private sealed record BatchAbortInfo(int LinesReported, string Detail);
}
