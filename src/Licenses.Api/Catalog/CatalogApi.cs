using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectronicLicense.Api.Catalog;

/// <summary>The license catalog (证照目录), readable without credentials: it is public reference data.</summary>
internal static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/catalog").WithTags("Catalog");
        group.MapGet("/types", (LicenseCatalog catalog) => TypedResults.Ok(catalog.Types.Select(Summary).ToArray()));
        group.MapGet("/types/{code}", GetLicenseType);
        return app;
    }

    private static Results<Ok<LicenseTypeDetail>, ProblemHttpResult> GetLicenseType(string code, LicenseCatalog catalog)
    {
        if (!LicenseTypeCode.TryParse(code, out var typeCode, out var reason) || !catalog.TryGet(typeCode, out var type))
        {
            return TypedResults.Problem(
                detail: reason is null ? "The catalog has no license type with this code." : "Not a 证照类型代码: " + reason,
                statusCode: StatusCodes.Status404NotFound,
                title: "License type not found",
                type: "urn:elic:problem:license-type-not-found");
        }

        return TypedResults.Ok(new LicenseTypeDetail(
            Summary(type),
            type.DefiningAuthority.Code.Value,
            type.DefiningAuthority.Name,
            type.Issuers.Select(i => i.Value).ToArray(),
            type.Signatures.Select(s => new SignatureStep(
                s.Signer switch { SignerKind.Issuer => "issuer", SignerKind.IssuerParent => "issuer-parent", _ => s.Department!.Value },
                s.Seal,
                s.Reason)).ToArray(),
            type.Validity.Kind == ValidityKind.Permanent ? "permanent" : "dated",
            type.Validity.MaxYears,
            type.DisplayOrder,
            type.SensitiveFields,
            System.Text.Json.JsonDocument.Parse(type.SchemaJson).RootElement));
    }

    private static LicenseTypeSummary Summary(LicenseType type) => new(
        type.Code.Value,
        type.Name,
        type.EnglishName,
        type.HolderKind == HolderKind.NaturalPerson ? "natural-person" : "legal-entity",
        type.SharingLevel switch { SharingLevel.Unconditional => "无条件共享", SharingLevel.Conditional => "有条件共享", _ => "不予共享" },
        type.Retention switch { RetentionPeriod.Permanent => "永久", RetentionPeriod.ThirtyYears => "30年", _ => "10年" },
        type.Signatures.Count);
}

internal sealed record LicenseTypeSummary(string Code, string Name, string EnglishName, string HolderKind, string SharingLevel, string Retention, int RequiredSignatures);

internal sealed record SignatureStep(string Signer, string Seal, string Reason);

internal sealed record LicenseTypeDetail(
    LicenseTypeSummary Type,
    string DefiningAuthorityCode,
    string DefiningAuthorityName,
    IReadOnlyList<string> Issuers,
    IReadOnlyList<SignatureStep> Signatures,
    string Validity,
    int? MaxValidityYears,
    IReadOnlyList<string> DisplayOrder,
    IReadOnlyList<string> SensitiveFields,
    System.Text.Json.JsonElement Schema);
