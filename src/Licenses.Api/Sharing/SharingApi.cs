using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Sharing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using QRCoder;

namespace ElectronicLicense.Api.Sharing;

/// <summary>授权共享: holders' grants, 亮证 codes and access log; departments' reads under a grant, a 无条件共享 type or their duties.</summary>
internal static class SharingApi
{
    public const string LegalBasisHeader = "X-Legal-Basis";
    public const string OfficerHeader = "X-Officer-Id";
    public const string CaseNumberHeader = "X-Case-Number";

    public static IEndpointRouteBuilder MapSharingApi(this IEndpointRouteBuilder app)
    {
        var grants = app.MapGroup("/api/v1/grants").WithTags("Sharing").RequireAuthorization(Policies.Holder);
        grants.MapPost("/", CreateGrant);
        grants.MapGet("/", ListGrants);
        grants.MapGet("/{id}", GetGrant);
        grants.MapPost("/{id}/revoke", RevokeGrant);

        var holders = app.MapGroup("/api/v1/holders/me").WithTags("Sharing").RequireAuthorization(Policies.Holder);
        holders.MapGet("/licenses", HolderLicenses);
        holders.MapGet("/access-log", AccessLog);

        var shared = app.MapGroup("/api/v1/shared/licenses").WithTags("Sharing").RequireAuthorization(Policies.AnyDepartment);
        shared.MapGet("/", ListShared);
        shared.MapGet("/{id}", ReadShared);
        shared.MapGet("/{id}/document", SharedDocument);

        app.MapGet("/api/v1/duty/licenses/{id}", ReadForDuty).WithTags("Sharing").RequireAuthorization(Policies.AnyDepartment);

        var presentations = app.MapGroup("/api/v1/presentations").WithTags("Sharing");
        presentations.MapPost("/", CreatePresentation).RequireAuthorization(Policies.Holder);
        presentations.MapPost("/redeem", Redeem).RequireAuthorization(Policies.AnyDepartment);

        if (app.ServiceProvider.GetRequiredService<IOptions<HolderOptions>>().Value.DevelopmentProvider)
        {
            // Only with Holders:DevelopmentProvider=true; otherwise the route does not exist (404).
            app.MapPost("/api/v1/dev/holder-tokens", IssueDevelopmentToken).WithTags("Development").AllowAnonymous();
        }

        return app;
    }

    private static async Task<Created<GrantResponse>> CreateGrant(GrantRequest body, HttpContext context, GrantService service, CancellationToken cancellationToken)
    {
        var grant = await service.CreateAsync(HolderAuthentication.Caller(context), body, cancellationToken);
        return TypedResults.Created($"/api/v1/grants/{grant.Id}", GrantResponse.From(grant));
    }

    private static async Task<Ok<GrantResponse[]>> ListGrants(HttpContext context, GrantService service, CancellationToken cancellationToken) =>
        TypedResults.Ok((await service.ListAsync(HolderAuthentication.Caller(context), cancellationToken)).Select(GrantResponse.From).ToArray());

    private static async Task<Ok<GrantResponse>> GetGrant(string id, HttpContext context, GrantService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(GrantResponse.From(await service.GetAsync(HolderAuthentication.Caller(context), id, cancellationToken)));

    private static async Task<Ok<GrantResponse>> RevokeGrant(string id, HttpContext context, GrantService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(GrantResponse.From(await service.RevokeAsync(HolderAuthentication.Caller(context), id, cancellationToken)));

    private static async Task<Ok<HolderLicenseResponse[]>> HolderLicenses(HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        TypedResults.Ok((await service.HolderLicensesAsync(HolderAuthentication.Caller(context), cancellationToken)).Select(HolderLicenseResponse.From).ToArray());

    private static async Task<Ok<AccessLogEntryResponse[]>> AccessLog(
        int? skip, int? take, HttpContext context, IAuditTrail audit, DepartmentDirectory departments, CancellationToken cancellationToken)
    {
        var holder = HolderAuthentication.Caller(context);
        var events = await audit.ForHolderAsync(holder.Code, Math.Max(0, skip ?? 0), Math.Clamp(take ?? 100, 1, 1000), cancellationToken);
        var names = (await departments.ListAsync(cancellationToken)).ToDictionary(d => d.Code.Value, d => d.Name, StringComparer.Ordinal);
        return TypedResults.Ok(events.Select(e => AccessLogEntryResponse.From(e, names)).ToArray());
    }

    private static async Task<Ok<SharedLicenseResponse[]>> ListShared(string? grant, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(grant))
        {
            throw RegistryException(RegistryErrorCodes.ValidationFailed, "The grant is required.", "/grant", "is required: the id of the holder's grant");
        }

        var found = await service.ListUnderGrantAsync(DepartmentTokenHandler.Caller(context), grant, cancellationToken);
        return TypedResults.Ok(found.Select(SharedLicenseResponse.From).ToArray());
    }

    private static async Task<Ok<SharedLicenseResponse>> ReadShared(string id, string? grant, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        var caller = DepartmentTokenHandler.Caller(context);
        var licenseId = ParseId(id);
        var shared = string.IsNullOrEmpty(grant)
            ? await service.ReadUnconditionalAsync(caller, licenseId, cancellationToken)
            : await service.ReadUnderGrantAsync(caller, grant, licenseId, cancellationToken);
        return TypedResults.Ok(SharedLicenseResponse.From(shared));
    }

    private static async Task<FileStreamHttpResult> SharedDocument(
        string id, string? grant, string? format, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        format = (format ?? "ofd").ToLowerInvariant();
        if (format is not ("ofd" or "pdf"))
        {
            throw RegistryException(RegistryErrorCodes.ValidationFailed, "The document format is invalid.", "/format", "must be ofd or pdf");
        }

        if (string.IsNullOrEmpty(grant))
        {
            throw RegistryException(RegistryErrorCodes.ValidationFailed, "The grant is required.", "/grant", "is required: the id of the holder's grant");
        }

        var licenseId = ParseId(id);
        var (document, content) = await service.OpenDocumentUnderGrantAsync(DepartmentTokenHandler.Caller(context), grant, licenseId, format, cancellationToken);
        context.Response.Headers["X-Content-SHA256"] = document.Sha256;
        context.Response.Headers["X-Content-SM3"] = document.Sm3;
        return TypedResults.File(content, format == "ofd" ? "application/ofd" : "application/pdf", $"{licenseId.Value}.{format}");
    }

    private static async Task<Ok<SharedLicenseResponse>> ReadForDuty(
        string id,
        [FromHeader(Name = LegalBasisHeader)] string? legalBasis,
        [FromHeader(Name = OfficerHeader)] string? officerId,
        [FromHeader(Name = CaseNumberHeader)] string? caseNumber,
        HttpContext context,
        SharingService service,
        CancellationToken cancellationToken)
    {
        var shared = await service.ReadForDutyAsync(DepartmentTokenHandler.Caller(context), ParseId(id), new DutyBasis(legalBasis, officerId, caseNumber), cancellationToken);
        return TypedResults.Ok(SharedLicenseResponse.From(shared));
    }

    private static async Task<Created<PresentationResponse>> CreatePresentation(
        PresentationRequest body, HttpContext context, PresentationService service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(body.LicenseId) || !LicenseId.TryParse(body.LicenseId, out var licenseId, out _))
        {
            throw RegistryException(RegistryErrorCodes.ValidationFailed, "The 证照标识 is invalid.", "/licenseId",
                body.LicenseId is null ? "is required" : "is not a 证照标识");
        }

        var presentation = await service.CreateAsync(HolderAuthentication.Caller(context), licenseId, cancellationToken);
        var payload = PresentationService.QrPrefix + presentation.Code;
        using var data = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.Q);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return TypedResults.Created("/api/v1/presentations/redeem",
            new PresentationResponse(presentation.Code, presentation.LicenseId, presentation.ExpiresAt, payload, svg));
    }

    private static async Task<Ok<SharedLicenseResponse>> Redeem(RedeemRequest body, HttpContext context, PresentationService service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Code) || body.Code.Length > 100)
        {
            throw RegistryException(RegistryErrorCodes.ValidationFailed, "The code is invalid.", "/code", "is required: the holder's 亮证 code");
        }

        return TypedResults.Ok(SharedLicenseResponse.From(await service.RedeemAsync(DepartmentTokenHandler.Caller(context), body.Code, cancellationToken)));
    }

    private static Ok<HolderTokenResponse> IssueDevelopmentToken(HolderTokenRequest body, DevelopmentHolderTokens tokens, TimeProvider clock)
    {
        var holder = HolderIdentity.TryCreate(body.HolderCode, string.IsNullOrEmpty(body.AgentCode) ? null : body.AgentCode, clock, out var error);
        if (holder is null)
        {
            throw RegistryException(RegistryErrorCodes.ValidationFailed, "The holder is invalid.", "/holderCode", error!);
        }

        var (token, expires) = tokens.Issue(holder);
        return TypedResults.Ok(new HolderTokenResponse(token, "Bearer", expires));
    }

    private static LicenseId ParseId(string id) =>
        LicenseId.TryParse(Uri.UnescapeDataString(id), out var parsed, out var reason)
            ? parsed
            : throw new RegistryException(RegistryErrorCodes.LicenseNotFound, "Not a 证照标识: " + reason);

    private static RegistryException RegistryException(string code, string message, string pointer, string detail) =>
        new(code, message, [new FieldError(pointer, detail)]);
}
