using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Catalog;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>The stored form of a license version: national metadata plus 照面, and its content digest.</summary>
internal static class LicenseData
{
    public static JObject Build(LicenseSubmission submission, string issuerName) => new()
    {
        [MetadataNames.Name] = submission.Type.Name,
        [MetadataNames.TypeCode] = submission.Type.Code.Value,
        [MetadataNames.Number] = submission.Number,
        [MetadataNames.Holder] = submission.HolderName,
        [MetadataNames.HolderCode] = submission.HolderCode,
        [MetadataNames.HolderCodeType] = submission.HolderCodeType,
        [MetadataNames.Issuer] = issuerName,
        [MetadataNames.IssuerCode] = submission.IssuerCode!.Value,
        [MetadataNames.IssueDate] = submission.IssueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        [MetadataNames.ValidFrom] = submission.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        [MetadataNames.ValidUntil] = submission.ValidUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? MetadataNames.LongTerm,
        [MetadataNames.Face] = submission.Face.DeepClone(),
    };

    /// <summary>SHA-256 over the canonical form (keys sorted by ordinal, no whitespace) of the data and the source document digest.</summary>
    /// <remarks>The issuer's display name is left out so that renaming a department does not turn re-pushes into conflicts.</remarks>
    public static string ContentHash(JObject data, string? sourceDocumentSha256)
    {
        var hashed = (JObject)data.DeepClone();
        hashed.Remove(MetadataNames.Issuer);
        if (sourceDocumentSha256 is not null)
        {
            hashed[MetadataNames.SourceDocument] = sourceDocumentSha256;
        }

        var canonical = Canonicalize(hashed).ToString(Formatting.None);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static JToken Canonicalize(JToken token) => token switch
    {
        JObject obj => new JObject(obj.Properties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new JProperty(p.Name, Canonicalize(p.Value)))),
        JArray array => new JArray(array.Select(Canonicalize)),
        _ => token.DeepClone(),
    };

    public static string Serialize(JObject data) => data.ToString(Formatting.None);
}
