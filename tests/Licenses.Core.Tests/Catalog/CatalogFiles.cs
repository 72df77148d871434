using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Tests.Samples;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Catalog;

/// <summary>The shipped catalog, loaded once per test run, and its schema files as editable JSON.</summary>
internal static class CatalogFiles
{
    private static readonly Lazy<LicenseCatalog> ShippedCatalog = new(() => LicenseCatalog.Load(RepositoryFiles.Schemas));

    public static LicenseCatalog Shipped => ShippedCatalog.Value;

    public static LicenseType ShippedType(string name) => Shipped.Types.Single(t => t.Name == name);

    /// <summary>Reads a shipped schema file keeping date-like strings as strings.</summary>
    public static JObject ReadSchema(string fileName) => ReadJson(Path.Combine(RepositoryFiles.Schemas, fileName));

    public static JObject ReadJson(string path)
    {
        using var reader = new JsonTextReader(new StringReader(File.ReadAllText(path))) { DateParseHandling = DateParseHandling.None };
        return JObject.Load(reader);
    }
}

/// <summary>A throwaway catalog folder for schemas built by a test.</summary>
internal sealed class TempCatalog : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("elic-catalog-").FullName;

    public TempCatalog Write(string fileName, JToken schema) => WriteText(fileName, schema.ToString(Formatting.Indented));

    public TempCatalog WriteText(string fileName, string text)
    {
        File.WriteAllText(Path.Combine(Directory, fileName), text);
        return this;
    }

    public LicenseCatalog Load() => LicenseCatalog.Load(Directory);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
