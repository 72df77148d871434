using System.Text.Json;
using System.Text.Json.Serialization;
using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Api.Problems;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Verification;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ElectronicLicense.Api.Verification;

/// <summary>核验: <c>POST /api/v1/verifications</c> and the receipts it returns.</summary>
internal static class VerificationsApi
{
    private const long JsonBodyLimit = 64 * 1024;
    private const long MultipartOverhead = 16 * 1024;

    public static IEndpointRouteBuilder MapVerificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/verifications").WithTags("Verification");
        group.MapPost("/", Verify).RequireAuthorization(Policies.AnyDepartment).DisableAntiforgery();
        group.MapGet("/{receiptId:guid}", Get).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/{receiptId:guid}/report", Report).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/receipt-certificate", (VerificationService service) =>
            TypedResults.Text(service.ReceiptCertificate.ExportCertificatePem() + "\n", "application/x-pem-file"));
        return app;
    }

    /// <summary>Verifies exactly one of: JSON <c>{"licenseId"}</c>, JSON <c>{"qrPayload"}</c>, or a multipart upload of one PDF/OFD file.</summary>
    private static async Task<Ok<VerificationResponse>> Verify(
        HttpContext context, VerificationService service, IOptions<VerificationOptions> options, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var caller = DepartmentTokenHandler.Caller(context);
        try
        {
            var request = context.Request;
            var result = request.HasFormContentType && MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
                    && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                ? await service.VerifyFileAsync(caller, await ReadFileAsync(context, options.Value.MaxFileBytes, cancellationToken), cancellationToken)
                : await VerifyJsonAsync(context, caller, service, cancellationToken);
            return TypedResults.Ok(new VerificationResponse(result.Receipt, new CanonicalJson(result.CanonicalReport)));
        }
        catch (RegistryException e)
        {
            // A refused request is a verification attempt too: recorded with its error code, never its content.
            await audit.AppendAsync(new AuditEntry
            {
                Action = AuditActions.Verify,
                Outcome = AuditOutcome.Failed,
                ActorKind = AuditActorKind.Department,
                Department = caller.Code.Value,
                Role = DepartmentNames.Of(caller.Role),
                Detail = "request-refused " + e.Code,
            }, CancellationToken.None);
            throw;
        }
    }

    private static async Task<Results<Ok<VerificationResponse>, ProblemHttpResult>> Get(
        Guid receiptId, HttpContext context, VerificationService service, CancellationToken cancellationToken)
    {
        var stored = await service.FindAsync(DepartmentTokenHandler.Caller(context), receiptId, cancellationToken);
        return stored is null
            ? NotFound(context)
            : TypedResults.Ok(new VerificationResponse(stored.Receipt, new CanonicalJson(stored.CanonicalReport)));
    }

    /// <summary>The canonical report exactly as hashed into the receipt: <c>sha256sum</c> of this body equals <c>reportSha256</c>.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Report(
        Guid receiptId, HttpContext context, VerificationService service, CancellationToken cancellationToken)
    {
        var stored = await service.FindAsync(DepartmentTokenHandler.Caller(context), receiptId, cancellationToken);
        return stored is null ? NotFound(context) : TypedResults.File(stored.CanonicalReport.ToArray(), "application/json");
    }

    private static ProblemHttpResult NotFound(HttpContext context) => TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
    {
        Type = "urn:elic:problem:receipt-not-found",
        Title = "Receipt not found",
        Status = StatusCodes.Status404NotFound,
        Detail = "No verification receipt has this id.",
        Instance = context.Request.Path,
        Extensions = { ["code"] = "receipt-not-found" },
    });

    private static async Task<VerificationResult> VerifyJsonAsync(HttpContext context, DepartmentIdentity caller, VerificationService service, CancellationToken cancellationToken)
    {
        RequestBody.RequireMediaType(context.Request, "application/json", "multipart/form-data");
        var text = await RequestBody.ReadTextAsync(context.Request, JsonBodyLimit, cancellationToken);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new RegistryException(RegistryErrorCodes.MalformedJson, "The body is not well-formed JSON.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new RegistryException(RegistryErrorCodes.MalformedJson, "The body must be a JSON object.");
        }

        var hasId = body.TryGetProperty("licenseId", out var licenseId) && licenseId.ValueKind != JsonValueKind.Null;
        var hasPayload = body.TryGetProperty("qrPayload", out var qrPayload) && qrPayload.ValueKind != JsonValueKind.Null;
        if (hasId == hasPayload)
        {
            throw hasId
                ? Invalid("Give one of licenseId and qrPayload, not both.",
                    new FieldError("/licenseId", "give either licenseId or qrPayload, not both"),
                    new FieldError("/qrPayload", "give either licenseId or qrPayload, not both"))
                : Invalid("Nothing to verify.", new FieldError("/licenseId",
                    "exactly one of licenseId or qrPayload (application/json), or one file (multipart/form-data), is required"));
        }

        if (hasId)
        {
            if (licenseId.ValueKind != JsonValueKind.String)
            {
                throw Invalid("The 证照标识 is invalid.", new FieldError("/licenseId", "must be a string: a 证照标识"));
            }

            return LicenseId.TryParse(licenseId.GetString()!.Trim(), out var id, out var reason)
                ? await service.VerifyLicenseAsync(caller, id, cancellationToken)
                : throw Invalid("The 证照标识 is invalid.", new FieldError("/licenseId", reason));
        }

        return qrPayload.ValueKind == JsonValueKind.String && qrPayload.GetString() is { Length: > 0 and <= 4096 } payload
            ? await service.VerifyQrPayloadAsync(caller, payload, cancellationToken)
            : throw Invalid("The QR payload is invalid.", new FieldError("/qrPayload", "must be the QR code's text, 1–4096 characters"));
    }

    private static async Task<ReadOnlyMemory<byte>> ReadFileAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > limit + MultipartOverhead)
        {
            throw TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + MultipartOverhead;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions
        {
            MultipartBodyLengthLimit = limit + MultipartOverhead,
            ValueCountLimit = 16,
            BufferBody = false,
        }));
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw TooLarge(limit);
        }
        catch (InvalidDataException)
        {
            throw Invalid("The multipart body cannot be read.", new FieldError("/file", "send one file as multipart/form-data"));
        }

        var extra = form.Keys.Where(k => k is "licenseId" or "qrPayload").Select(k => new FieldError("/" + k, "give either a file or a licenseId/qrPayload, not both")).ToArray();
        if (extra.Length > 0)
        {
            throw Invalid("Give one thing to verify.", extra);
        }

        if (form.Files.Count != 1)
        {
            throw Invalid("Send exactly one file.", new FieldError("/file", $"exactly one PDF or OFD file is required; got {form.Files.Count}"));
        }

        var file = form.Files[0];
        if (file.Length > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static RegistryException Invalid(string message, params FieldError[] errors) =>
        new(RegistryErrorCodes.InvalidVerificationRequest, message, errors);

    private static RegistryException TooLarge(long limit) =>
        new(RegistryErrorCodes.PayloadTooLarge, $"The file is larger than the limit of {limit} bytes (Verification:MaxFileBytes).");
}

/// <summary>A verification's receipt and its report; <c>report</c> is the canonical JSON, byte for byte, that <c>receipt.reportSha256</c> covers.</summary>
/// <param name="Receipt">The signed receipt.</param>
/// <param name="Report">The report.</param>
internal sealed record VerificationResponse(VerificationReceipt Receipt, CanonicalJson Report);

/// <summary>JSON bytes written into a response as they are.</summary>
[JsonConverter(typeof(CanonicalJsonConverter))]
internal readonly record struct CanonicalJson(ReadOnlyMemory<byte> Utf8);

internal sealed class CanonicalJsonConverter : JsonConverter<CanonicalJson>
{
    public override CanonicalJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new CanonicalJson(JsonSerializer.SerializeToUtf8Bytes(document.RootElement));
    }

    public override void Write(Utf8JsonWriter writer, CanonicalJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
}
