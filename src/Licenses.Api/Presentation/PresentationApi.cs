using System.Text.Json.Nodes;
using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Presentation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectronicLicense.Api.Presentation;

/// <summary>Offline 核验 material: the signed trust list, signed status lists, a license's QR payload, and key rotation.</summary>
internal static class PresentationApi
{
    public static IEndpointRouteBuilder MapPresentationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Offline verification");
        group.MapGet("/trust-list", TrustList).AllowAnonymous()
            .WithSummary("The registry's QR payload and status-list keys, signed by its trust-list key.");
        group.MapPost("/trust-list/rotate", Rotate).RequireAuthorization(Policies.Admin)
            .WithSummary("Retires the active payload key and makes a new one active; older payloads keep verifying.");
        group.MapGet("/status-lists/{id:int}", StatusList).AllowAnonymous()
            .WithSummary("A signed status list: 2 bits per license version, gzip, base64url.");
        group.MapGet("/licenses/{id}/offline-payload", Payload).RequireAuthorization(Policies.AnyDepartment)
            .WithSummary("The signed ELIC1: payload printed as the license version's QR code.");
        return app;
    }

    private static JsonHttpResult<JsonObject> TrustList(HttpContext context, RegistryPresentation presentation)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Json(presentation.TrustListDocument());
    }

    private static async Task<JsonHttpResult<JsonObject>> StatusList(int id, HttpContext context, RegistryPresentation presentation, CancellationToken cancellationToken)
    {
        var document = await presentation.StatusListDocumentAsync(id, cancellationToken)
            ?? throw new RegistryException(RegistryErrorCodes.StatusListNotFound, $"There is no status list {id}.");
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Json(document);
    }

    private static async Task<Ok<OfflinePayloadResponse>> Payload(string id, HttpContext context, RegistryPresentation presentation, CancellationToken cancellationToken)
    {
        if (!LicenseId.TryParse(id, out var licenseId, out var error))
        {
            throw new RegistryException(RegistryErrorCodes.ValidationFailed, "The license identifier is invalid.", [new FieldError("/id", error)]);
        }

        // As for reading the license itself: an issuing department sees only its own licenses.
        var caller = DepartmentTokenHandler.Caller(context);
        if (caller.Role == DepartmentRole.Issuer && licenseId.Issuer != caller.Code)
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "An issuing department may read only the licenses it issued.");
        }

        var text = await presentation.OfflinePayloadAsync(licenseId, cancellationToken)
            ?? throw new RegistryException(RegistryErrorCodes.StatusListNotFound, "This license version has no offline payload.");
        return TypedResults.Ok(new OfflinePayloadResponse(licenseId.Value, text));
    }

    private static async Task<Ok<RotatedKeyResponse>> Rotate(HttpContext context, RegistryPresentation presentation, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var caller = DepartmentTokenHandler.Caller(context);
        var key = presentation.RotatePayloadKey();
        await audit.AppendAsync(new AuditEntry
        {
            Action = AuditActions.KeyRotate,
            Outcome = AuditOutcome.Success,
            ActorKind = AuditActorKind.Department,
            Department = caller.Code.Value,
            Role = "admin",
            Detail = "active key " + key.KeyId,
        }, cancellationToken);
        return TypedResults.Ok(new RotatedKeyResponse(key.KeyId, key.NotBefore, key.NotAfter));
    }
}

/// <summary>A license version's QR payload.</summary>
internal sealed record OfflinePayloadResponse(string LicenseId, string Payload);

/// <summary>The new active payload key after a rotation.</summary>
internal sealed record RotatedKeyResponse(string KeyId, DateTimeOffset NotBefore, DateTimeOffset NotAfter);
