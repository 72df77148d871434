using System.Text;
using System.Text.Json.Nodes;

namespace ElectronicLicense.Api.Tests.Infrastructure;

/// <summary>The sample bodies under samples/, which the tests keep true.</summary>
internal static class Samples
{
    public const string MarketRegulator = "11500000MB1503013M"; // 重庆市市场监督管理局, issues 营业执照 and 食品经营许可证
    public const string BigDataBureau = "11500000MB1512016F";   // 重庆市大数据应用发展管理局: admin, archivist, verifier

    public static IEnumerable<string> LicenseFiles =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "licenses"), "*.json").Order(StringComparer.Ordinal);

    public static JsonObject License(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "licenses", name)))!.AsObject();

    public static string IssuerOf(JsonObject body) => (string)body["颁发机构代码"]!;

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
