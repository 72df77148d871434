using ElectronicLicense.Licenses.Errors;
using Microsoft.AspNetCore.Mvc;

namespace ElectronicLicense.Api.Problems;

/// <summary>RFC 9457 problem details for every error the API returns.</summary>
/// <remarks>
/// <c>type</c> is <c>urn:elic:problem:{code}</c> with the stable code from <see cref="RegistryErrorCodes"/>;
/// field errors are listed in <c>errors</c> as <c>{ "pointer": JSON pointer into the body, "detail": message }</c>.
/// </remarks>
internal static class ProblemResults
{
    public static int StatusOf(string code) => code switch
    {
        RegistryErrorCodes.MalformedJson => StatusCodes.Status400BadRequest,
        RegistryErrorCodes.ValidationFailed => StatusCodes.Status422UnprocessableEntity,
        RegistryErrorCodes.NotAuthorised or RegistryErrorCodes.GrantNotUsable => StatusCodes.Status403Forbidden,
        RegistryErrorCodes.GrantNotFound or RegistryErrorCodes.PresentationNotFound => StatusCodes.Status404NotFound,
        RegistryErrorCodes.PresentationGone => StatusCodes.Status410Gone,
        RegistryErrorCodes.ContentConflict or RegistryErrorCodes.InvalidStatusTransition => StatusCodes.Status409Conflict,
        RegistryErrorCodes.LicenseNotFound or RegistryErrorCodes.LicenseTypeNotFound
            or RegistryErrorCodes.SealNotFound or RegistryErrorCodes.DocumentNotFound or RegistryErrorCodes.StatusListNotFound
            or RegistryErrorCodes.ArchiveNotFound or RegistryErrorCodes.ExportNotFound => StatusCodes.Status404NotFound,
        RegistryErrorCodes.ExportNotComplete => StatusCodes.Status409Conflict,
        RegistryErrorCodes.SignaturePolicyViolation => StatusCodes.Status409Conflict,
        RegistryErrorCodes.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        RegistryErrorCodes.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status400BadRequest,
    };

    public static string TitleOf(string code) => code switch
    {
        RegistryErrorCodes.MalformedJson => "Malformed JSON",
        RegistryErrorCodes.ValidationFailed => "Validation failed",
        RegistryErrorCodes.NotAuthorised => "Not authorised",
        RegistryErrorCodes.GrantNotFound => "Grant not found",
        RegistryErrorCodes.GrantNotUsable => "Grant not usable",
        RegistryErrorCodes.DutyBasisRequired => "Duty basis required",
        RegistryErrorCodes.PresentationNotFound => "Code not found",
        RegistryErrorCodes.PresentationGone => "Code used or expired",
        RegistryErrorCodes.ContentConflict => "Conflicting content",
        RegistryErrorCodes.InvalidStatusTransition => "Status change not allowed",
        RegistryErrorCodes.LicenseNotFound => "License not found",
        RegistryErrorCodes.LicenseTypeNotFound => "License type not found",
        RegistryErrorCodes.SealNotFound => "Seal not found",
        RegistryErrorCodes.DocumentNotFound => "Document not found",
        RegistryErrorCodes.StatusListNotFound => "Status list not found",
        RegistryErrorCodes.ArchiveNotFound => "Archive package not found",
        RegistryErrorCodes.ExportNotFound => "Export not found",
        RegistryErrorCodes.ExportNotComplete => "Export not complete",
        RegistryErrorCodes.SignaturePolicyViolation => "Signature policy not satisfied",
        RegistryErrorCodes.PayloadTooLarge => "Body too large",
        RegistryErrorCodes.UnsupportedMediaType => "Unsupported media type",
        _ => "Bad request",
    };

    public static ProblemDetails From(RegistryException error, string? instance = null)
    {
        var problem = new ProblemDetails
        {
            Type = "urn:elic:problem:" + error.Code,
            Title = TitleOf(error.Code),
            Status = StatusOf(error.Code),
            Detail = error.Message,
            Instance = instance,
        };
        problem.Extensions["code"] = error.Code;
        if (error.Errors.Count > 0)
        {
            problem.Extensions["errors"] = error.Errors.Select(e => new ProblemFieldError(e.Pointer, e.Message)).ToArray();
        }

        return problem;
    }

    public static Task Write(HttpContext context, int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Type = "urn:elic:problem:" + code, Title = title, Status = status, Detail = detail, Instance = context.Request.Path };
        problem.Extensions["code"] = code;
        return Write(context, problem);
    }

    public static async Task Write(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? 500;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}

/// <summary>One failing field in a problem's <c>errors</c> list (the RFC 9457 §3 example shape).</summary>
/// <param name="Pointer">JSON pointer into the request body.</param>
/// <param name="Detail">What is wrong and what is expected.</param>
internal sealed record ProblemFieldError(string Pointer, string Detail);
