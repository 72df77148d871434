using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Tests.Catalog;
using ElectronicLicense.Licenses.Tests.Identifiers;
using ElectronicLicense.Licenses.Tests.Samples;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Ingest;

/// <summary>Sample bodies and a parser over the shipped catalog with a stopped clock.</summary>
internal static class Submissions
{
    /// <summary>After every date in samples/, so the samples' 颁发日期 are in the past.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 2, 0, 0, TimeSpan.Zero);

    public static SubmissionParser Parser(DateTimeOffset? now = null) =>
        new(CatalogFiles.Shipped, UsccAllowList.Empty, new FixedTimeProvider(now ?? Now));

    /// <summary>Reads <c>samples/licenses/{file}</c>.</summary>
    public static JObject Sample(string file) => CatalogFiles.ReadJson(RepositoryFiles.Sample("licenses", file));

    public static LicenseSubmission Parse(JObject body, DateTimeOffset? now = null) => Parser(now).Parse(body);

    /// <summary>Parses text the way 归集 does and returns the refusal.</summary>
    public static RegistryException Refusal(string json, DateTimeOffset? now = null) =>
        Assert.Throws<RegistryException>(() => Parser(now).Parse(SubmissionParser.ReadJson(json)));

    public static RegistryException Refusal(JObject body, DateTimeOffset? now = null) => Refusal(body.ToString(), now);
}
