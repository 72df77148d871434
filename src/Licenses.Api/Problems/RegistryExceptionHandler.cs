using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace ElectronicLicense.Api.Problems;

/// <summary>Maps domain and request-size errors to problem details; everything else stays a generic 500 without internals.</summary>
internal sealed class RegistryExceptionHandler(IAuditTrail audit) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            RegistryException registry => registry,
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                new RegistryException(RegistryErrorCodes.PayloadTooLarge, "The body is larger than the configured limit."),
            _ => null,
        };
        if (error is null)
        {
            return false;
        }

        if (error.Code == RegistryErrorCodes.NotAuthorised)
        {
            // Refused inside the endpoint (e.g. an issuer asking for another issuer's license): as auditable as a refusal at the door.
            await audit.AppendAsync(AuditingAuthorizationResultHandler.Denied(httpContext, "403"), cancellationToken);
        }

        await ProblemResults.Write(httpContext, ProblemResults.From(error, httpContext.Request.Path));
        return true;
    }
}
