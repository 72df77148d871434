using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectronicLicense.Api.Seals;

/// <summary>The departments' electronic seals: made and revoked by administrators, readable by every department.</summary>
internal static class SealsApi
{
    public static IEndpointRouteBuilder MapSealsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/seals").WithTags("Seals");
        group.MapPost("/", Make).RequireAuthorization(Policies.Admin);
        group.MapGet("/", List).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/trust-anchors", (SealRegistry seals) => TypedResults.Text(seals.TrustAnchorsPem(), "application/x-pem-file"))
            .AllowAnonymous().WithSummary("The registry CA certificate (PEM): trust it to verify the registry's signatures and seals offline.");
        group.MapGet("/{esId}", Get).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/{esId}/picture", Picture).RequireAuthorization(Policies.AnyDepartment);
        group.MapGet("/{esId}/esl", Encoded).RequireAuthorization(Policies.AnyDepartment);
        group.MapPost("/{esId}/revoke", Revoke).RequireAuthorization(Policies.Admin);
        return app;
    }

    private static async Task<Created<SealResponse>> Make(MakeSealRequest body, HttpContext context, SealRegistry seals, CancellationToken cancellationToken)
    {
        byte[]? picture = null;
        if (body.PicturePngBase64 is { } base64)
        {
            try
            {
                picture = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw new RegistryException(RegistryErrorCodes.ValidationFailed, "The seal request is invalid.",
                    [new FieldError("/picturePngBase64", "must be a base64-encoded PNG")]);
            }
        }

        var view = await seals.MakeAsync(DepartmentTokenHandler.Caller(context), new SealRequest
        {
            Department = body.Department ?? string.Empty,
            Kind = body.Kind ?? string.Empty,
            PicturePng = picture,
            ValidYears = body.ValidYears,
        }, cancellationToken);
        return TypedResults.Created($"/api/v1/seals/{view.EsId}", SealResponse.From(view));
    }

    private static async Task<Ok<SealResponse[]>> List(string? department, SealRegistry seals, CancellationToken cancellationToken) =>
        TypedResults.Ok((await seals.ListAsync(department, cancellationToken)).Select(SealResponse.From).ToArray());

    private static async Task<Ok<SealResponse>> Get(string esId, SealRegistry seals, CancellationToken cancellationToken) =>
        TypedResults.Ok(SealResponse.From(await seals.GetAsync(esId, cancellationToken) ?? throw NotFound(esId)));

    private static async Task<FileContentHttpResult> Picture(string esId, SealRegistry seals, CancellationToken cancellationToken) =>
        TypedResults.File(await seals.GetPictureAsync(esId, cancellationToken) ?? throw NotFound(esId), "image/png", esId + ".png");

    private static async Task<FileContentHttpResult> Encoded(string esId, SealRegistry seals, CancellationToken cancellationToken) =>
        TypedResults.File(await seals.GetEncodedAsync(esId, cancellationToken) ?? throw NotFound(esId), "application/octet-stream", esId + ".esl");

    private static async Task<Ok<SealResponse>> Revoke(string esId, RevokeSealRequest body, HttpContext context, SealRegistry seals, CancellationToken cancellationToken) =>
        TypedResults.Ok(SealResponse.From(await seals.RevokeAsync(DepartmentTokenHandler.Caller(context), esId, body.Reason ?? string.Empty, cancellationToken)));

    private static RegistryException NotFound(string esId) => new(RegistryErrorCodes.SealNotFound, $"No seal has 印章编码 {esId}.");
}

/// <summary>Body of <c>POST /api/v1/seals</c>.</summary>
internal sealed class MakeSealRequest
{
    /// <summary>The department's 统一社会信用代码.</summary>
    public string? Department { get; set; }

    /// <summary>证照专用章, 公章 or 业务专用章.</summary>
    public string? Kind { get; set; }

    /// <summary>Optional picture (PNG, base64) instead of the generated red round seal.</summary>
    public string? PicturePngBase64 { get; set; }

    /// <summary>Validity in years (1–10).</summary>
    public int? ValidYears { get; set; }
}

/// <summary>Body of <c>POST /api/v1/seals/{esId}/revoke</c>.</summary>
internal sealed class RevokeSealRequest
{
    /// <summary>Why the seal is revoked.</summary>
    public string? Reason { get; set; }
}

/// <summary>A seal's metadata; the picture and the DER seal have their own links.</summary>
internal sealed record SealResponse(
    string EsId,
    string Department,
    string Kind,
    string Name,
    string Status,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    string? RevocationReason,
    string Signer,
    string Maker,
    int PictureWidthMm,
    int PictureHeightMm,
    string Picture,
    string Esl)
{
    public static SealResponse From(SealView view) => new(
        view.EsId, view.Department, view.Kind, view.Name, view.RevokedAt is null ? "valid" : "revoked",
        view.ValidFrom, view.ValidUntil, view.CreatedAt, view.CreatedBy, view.RevokedAt, view.RevocationReason,
        view.Signer, view.Maker, view.PictureWidthMm, view.PictureHeightMm,
        $"/api/v1/seals/{view.EsId}/picture", $"/api/v1/seals/{view.EsId}/esl");
}
