using System.Security.Claims;
using System.Security.Cryptography;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Sharing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ElectronicLicense.Api.Authentication;

/// <summary>Holder authentication (configuration section <c>Holders</c>).</summary>
internal sealed class HolderOptions
{
    public const string Section = "Holders";

    /// <summary>Issuer (<c>iss</c>) of the platform identity service's holder tokens.</summary>
    public string? Issuer { get; set; }

    /// <summary>Audience (<c>aud</c>) the tokens must carry; default <c>urn:elic:registry</c>.</summary>
    public string Audience { get; set; } = "urn:elic:registry";

    /// <summary>PEM public key (EC P-256 or RSA) of the platform identity service.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Enables the embedded development identity provider and <c>POST /api/v1/dev/holder-tokens</c>. Never in production.</summary>
    public bool DevelopmentProvider { get; set; }

    /// <summary>Lifetime of development tokens; default 1 hour.</summary>
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Claim names of holder tokens.</summary>
internal static class HolderClaims
{
    /// <summary>The holder's 公民身份号码 or 统一社会信用代码.</summary>
    public const string Subject = "sub";

    /// <summary>For a legal entity, the authorised agent's 公民身份号码.</summary>
    public const string Agent = "agent";

    public const string Role = "holder";
}

/// <summary>The embedded development identity provider: an ES256 key made on first start in the key directory, never committed.</summary>
internal sealed class DevelopmentHolderTokens
{
    public const string Issuer = "urn:elic:dev-holder-idp";
    private readonly Lazy<ECDsaSecurityKey> key;
    private readonly HolderOptions options;
    private readonly TimeProvider clock;

    public DevelopmentHolderTokens(IOptions<HolderOptions> options, IOptions<SealingOptions> sealing, IOptions<StorageOptions> storage, TimeProvider clock)
    {
        this.options = options.Value;
        this.clock = clock;
        var directory = sealing.Value.KeyDirectory ?? Path.Combine(storage.Value.DataDirectory, "keys");
        key = new Lazy<ECDsaSecurityKey>(() => LoadOrCreate(Path.Combine(directory, "dev-holder-idp.pem")));
    }

    public SecurityKey Key => key.Value;

    /// <summary>Issues a token for a holder; the identity was validated by the caller.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(HolderIdentity holder)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.DevelopmentTokenLifetime;
        var claims = new Dictionary<string, object> { [HolderClaims.Subject] = holder.Code };
        if (holder.AgentCode is not null)
        {
            claims[HolderClaims.Agent] = holder.AgentCode;
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Value, SecurityAlgorithms.EcdsaSha256),
        });
        return (token, expires);
    }

    private static ECDsaSecurityKey LoadOrCreate(string path)
    {
        var ecdsa = ECDsa.Create();
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
        }

        return new ECDsaSecurityKey(ecdsa) { KeyId = "dev-holder-idp" };
    }
}

/// <summary>Registers the holder JWT scheme beside the department tokens, with a selector that picks by token shape.</summary>
internal static class HolderAuthentication
{
    public const string SchemeName = "HolderToken";

    /// <summary>The default scheme: JWTs (three base64url parts) go to holders, everything else to departments.</summary>
    public const string SelectorScheme = "DepartmentOrHolder";

    private const string IdentityKey = "elic.holder";

    public static AuthenticationBuilder AddHolderAuthentication(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        builder.Services.Configure<HolderOptions>(configuration.GetSection(HolderOptions.Section));
        builder.Services.AddSingleton<DevelopmentHolderTokens>();
        builder.AddPolicyScheme(SelectorScheme, "Department or holder bearer token", o => o.ForwardDefaultSelector = Select);
        builder.AddJwtBearer(SchemeName, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(SchemeName)
            .Configure<IOptions<HolderOptions>, DevelopmentHolderTokens, TimeProvider>((jwt, holders, dev, clock) => Configure(jwt, holders.Value, dev, clock));
        return builder;
    }

    /// <summary>The authenticated holder of the request.</summary>
    public static HolderIdentity Caller(HttpContext context) =>
        context.Items[IdentityKey] as HolderIdentity ?? throw new InvalidOperationException("The endpoint requires holder authentication.");

    private static string Select(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header.AsSpan("Bearer ".Length).Trim();
            return token.Count('.') == 2 && token.StartsWith("eyJ", StringComparison.Ordinal) ? SchemeName : DepartmentTokenHandler.SchemeName;
        }

        // No credential: challenge in the scheme the endpoint is for, so the 401 says which credential to send.
        var path = context.Request.Path;
        return path.StartsWithSegments("/api/v1/grants") || path.StartsWithSegments("/api/v1/holders")
            || (path.StartsWithSegments("/api/v1/presentations") && !path.StartsWithSegments("/api/v1/presentations/redeem"))
            ? SchemeName
            : DepartmentTokenHandler.SchemeName;
    }

    private static void Configure(JwtBearerOptions jwt, HolderOptions holders, DevelopmentHolderTokens dev, TimeProvider clock)
    {
        var keys = new List<SecurityKey>();
        var issuers = new List<string>();
        if (holders.SigningKeyFile is not null)
        {
            keys.Add(LoadPublicKey(holders.SigningKeyFile));
            issuers.Add(holders.Issuer ?? throw new InvalidOperationException("Holders:Issuer is required with Holders:SigningKeyFile."));
        }

        if (holders.DevelopmentProvider)
        {
            keys.Add(dev.Key);
            issuers.Add(DevelopmentHolderTokens.Issuer);
        }

        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            // With neither a platform key nor the development provider, every holder token is refused.
            IssuerSigningKeys = keys,
            ValidIssuers = issuers.Count > 0 ? issuers : ["urn:elic:no-holder-identity-provider-configured"],
            ValidAudience = holders.Audience,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            NameClaimType = HolderClaims.Subject,
            ClockSkew = TimeSpan.FromMinutes(1),

            // Judge lifetimes by the registry's clock, like grants and codes.
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } e && now < e.ToUniversalTime() + parameters.ClockSkew
                    && (notBefore is not { } nb || now + parameters.ClockSkew >= nb.ToUniversalTime());
            },
        };
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var principal = context.Principal!;
                var holder = HolderIdentity.TryCreate(principal.FindFirstValue(HolderClaims.Subject), principal.FindFirstValue(HolderClaims.Agent), clock, out _);
                if (holder is null)
                {
                    context.Fail("The token's subject is not a valid holder.");
                    return Task.CompletedTask;
                }

                context.HttpContext.Items[IdentityKey] = holder;
                var identity = (ClaimsIdentity)principal.Identity!;
                identity.AddClaim(new Claim(ClaimTypes.Role, HolderClaims.Role));
                identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, holder.Code));
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Problems.ProblemResults.Write(context.HttpContext, StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required",
                    "Send a holder token from the identity service as 'Authorization: Bearer <token>'.");
            },
            // Refusals are audited by AuditingAuthorizationResultHandler, which finds the holder in the NameIdentifier claim.
            OnForbidden = context => Problems.ProblemResults.Write(context.HttpContext, StatusCodes.Status403Forbidden, "forbidden", "Not allowed for holders",
                "This operation is for department credentials."),
        };
    }

    private static SecurityKey LoadPublicKey(string file)
    {
        var pem = File.ReadAllText(file);
        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return new ECDsaSecurityKey(ecdsa);
        }
        catch (ArgumentException)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
    }
}
