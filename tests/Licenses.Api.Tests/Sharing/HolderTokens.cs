using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ElectronicLicense.Api.Tests.Sharing;

/// <summary>Holder tokens made by the test itself, standing in for the platform's identity service.</summary>
internal static class HolderTokens
{
    public static string Create(ECDsa key, string issuer, string subject, string audience = "urn:elic:registry", string? agent = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (agent is not null)
        {
            claims["agent"] = agent;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        });
    }
}
