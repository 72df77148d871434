using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>A 四性检测 report: every check of one package, machine-readable, with a readable summary.</summary>
/// <param name="Location">The package checked: a folder or <c>s3://bucket/prefix</c>.</param>
/// <param name="LicenseId">The 证照标识 the package says it archives (External-Identifier), when readable.</param>
/// <param name="CheckedAtUtc">When the checks ran.</param>
/// <param name="Checks">Every check, in property order; a check that found several problems appears once per problem.</param>
public sealed record ArchiveReport(string Location, string? LicenseId, DateTimeOffset CheckedAtUtc, IReadOnlyList<ArchiveCheck> Checks)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>True when no check failed; checks that did not run are shown but do not make a package invalid.</summary>
    public bool Valid => Checks.All(c => c.Result != ArchiveCheckResult.Failed);

    /// <summary>The checks that failed.</summary>
    public IEnumerable<ArchiveCheck> Failures => Checks.Where(c => c.Result == ArchiveCheckResult.Failed);

    /// <summary>The report as indented JSON (check ids, results as <c>passed</c>/<c>failed</c>/<c>not-run</c>, reasons).</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            location = Location,
            licenseId = LicenseId,
            checkedAt = CheckedAtUtc,
            valid = Valid,
            summary = Enum.GetValues<ArchiveProperty>().ToDictionary(
                p => JsonNamingPolicy.KebabCaseLower.ConvertName(p.ToString()),
                p => Verdict(p)),
            checks = Checks,
        },
        Json);

    /// <summary>The readable summary: one line per property and per check, failures first within each property.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"四性检测 {Location}").AppendLine();
        if (LicenseId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"证照标识 {LicenseId}").AppendLine();
        }

        foreach (var property in Enum.GetValues<ArchiveProperty>())
        {
            text.Append(CultureInfo.InvariantCulture, $"{Title(property)}: {Verdict(property)}").AppendLine();
            foreach (var check in Checks.Where(c => c.Property == property).OrderBy(c => c.Result == ArchiveCheckResult.Failed ? 0 : 1))
            {
                var mark = check.Result switch
                {
                    ArchiveCheckResult.Passed => "PASS ",
                    ArchiveCheckResult.Failed => "FAIL ",
                    _ => "NOT RUN",
                };
                text.Append(CultureInfo.InvariantCulture, $"  {mark,-7} {check.Id}");
                if (check.Path is not null)
                {
                    text.Append(CultureInfo.InvariantCulture, $" [{check.Path}]");
                }

                text.Append(CultureInfo.InvariantCulture, $": {check.Reason}").AppendLine();
            }
        }

        text.Append(Valid ? "VALID" : $"INVALID: {Failures.Count()} check(s) failed").AppendLine();
        return text.ToString();
    }

    private string Verdict(ArchiveProperty property)
    {
        var checks = Checks.Where(c => c.Property == property).ToList();
        return checks.Count == 0 ? "not-checked"
            : checks.Any(c => c.Result == ArchiveCheckResult.Failed) ? "failed"
            : checks.Any(c => c.Result == ArchiveCheckResult.NotRun) ? "passed-with-checks-not-run"
            : "passed";
    }

    private static string Title(ArchiveProperty property) => property switch
    {
        ArchiveProperty.Authenticity => "真实性 authenticity",
        ArchiveProperty.Integrity => "完整性 integrity",
        ArchiveProperty.Usability => "可用性 usability",
        _ => "安全性 security",
    };
}
