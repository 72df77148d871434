using System.Security.Claims;
using System.Text.Encodings.Web;
using ElectronicLicense.Licenses.Departments;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Api.Authentication;

/// <summary>Authenticates departments by the bearer token of one of their role credentials.</summary>
internal sealed class DepartmentTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    DepartmentDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DepartmentToken";
    private const string IdentityKey = "elic.department";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await directory.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (identity is null)
        {
            // Never echo the token: a failed attempt must not leak it into logs or responses.
            return AuthenticateResult.Fail("Unknown or revoked token.");
        }

        Context.Items[IdentityKey] = identity;
        var claims = new[]
        {
            new Claim(ClaimTypes.NameIdentifier, identity.Code.Value),
            new Claim(ClaimTypes.Name, identity.Department.Name),
            new Claim(ClaimTypes.Role, DepartmentNames.Of(identity.Role)),
        };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.ProblemResults.Write(Context, StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required",
            "Send a department credential as 'Authorization: Bearer <token>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.ProblemResults.Write(Context, StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this role",
            "The credential's role does not allow this operation.");

    /// <summary>The authenticated department of the request.</summary>
    public static DepartmentIdentity Caller(HttpContext context) =>
        context.Items[IdentityKey] as DepartmentIdentity ?? throw new InvalidOperationException("The endpoint requires authentication.");
}

/// <summary>Authorization policy names, one per role set.</summary>
internal static class Policies
{
    public const string Issuer = "issuer";
    public const string IssuerOrAdmin = "issuer-or-admin";
    public const string AnyDepartment = "any-department";
    public const string Admin = "admin";
    public const string ArchivistOrAdmin = "archivist-or-admin";
    public const string Holder = "holder";
}
