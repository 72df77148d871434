using System.Security.Claims;
using ElectronicLicense.Licenses.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ElectronicLicense.Api.Authentication;

/// <summary>Records every request the authorization middleware refuses (401 or 403) in the audit log, then answers as usual.</summary>
/// <remarks>
/// The event names the endpoint and, for an authenticated caller, who it was; the refused request's body and query
/// (which may hold holder data) are never recorded.
/// </remarks>
internal sealed class AuditingAuthorizationResultHandler(IAuditTrail audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler inner = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            await audit.AppendAsync(Denied(context, authorizeResult.Challenged ? "401" : "403"), context.RequestAborted);
        }

        await inner.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>An access-denied event for the current request; <paramref name="status"/> is the HTTP status sent.</summary>
    public static AuditEntry Denied(HttpContext context, string status)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        // Inside the exception handler the endpoint is cleared; the feature keeps it, so the event names the route, not the path.
        var route = context.GetEndpoint() ?? context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint;
        var endpoint = (route as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value;
        var isDepartment = authenticated && user.Identity!.AuthenticationType == DepartmentTokenHandler.SchemeName;
        return new AuditEntry
        {
            Action = AuditActions.AccessDenied,
            Outcome = AuditOutcome.Denied,
            ActorKind = !authenticated ? AuditActorKind.Anonymous : isDepartment ? AuditActorKind.Department : AuditActorKind.Holder,
            Department = isDepartment ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null,
            Role = isDepartment ? user.FindFirstValue(ClaimTypes.Role) : null,
            HolderCode = authenticated && !isDepartment ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null,
            Detail = $"{status} {context.Request.Method} {endpoint}",
        };
    }
}
