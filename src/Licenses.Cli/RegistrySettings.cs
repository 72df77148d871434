using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace ElectronicLicense.Cli;

/// <summary>The settings of a registry opened in-process by <c>elic</c>, in the API's layers.</summary>
/// <remarks>
/// Lowest first: the <c>--config</c> JSON file (an <c>appsettings.json</c>), then environment variables in the API's form
/// (<c>Storage__Provider=postgresql</c>), then the command line (<c>--data-dir</c>, <c>--postgres</c>, <c>--sqlserver</c>).
/// </remarks>
internal static class RegistrySettings
{
    /// <summary>The flattened settings (<c>Storage:DataDirectory</c>…) of the registry in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="CliException">The config file cannot be read, or both server databases are given.</exception>
    public static Dictionary<string, string?> Read(string dataDirectory, string? configFile, string? postgres, string? sqlServer)
    {
        if (postgres is not null && sqlServer is not null)
        {
            throw new CliException("give --postgres or --sqlserver, not both.");
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (configFile is not null)
        {
            ReadJsonSettings(configFile, settings);
        }

        ReadEnvironmentSettings(settings);
        settings["Storage:DataDirectory"] = Path.GetFullPath(dataDirectory);
        if (postgres is not null)
        {
            settings["Storage:Provider"] = "postgresql";
            settings["Storage:ConnectionString"] = postgres;
        }
        else if (sqlServer is not null)
        {
            settings["Storage:Provider"] = "sqlserver";
            settings["Storage:ConnectionString"] = sqlServer;
        }

        return settings;
    }

    /// <summary>Flattens a JSON settings file into configuration keys (<c>Archives:Store:Kind</c>, arrays as <c>:0</c>, <c>:1</c>…).</summary>
    private static void ReadJsonSettings(string file, Dictionary<string, string?> settings)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliException($"--config {file}: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"--config {file}: expected a JSON object of settings.");
            }

            Flatten(document.RootElement, null, settings);
        }
    }

    private static void Flatten(JsonElement element, string? key, Dictionary<string, string?> settings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, key is null ? property.Name : key + ":" + property.Name, settings);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, key + ":" + index.ToString(CultureInfo.InvariantCulture), settings);
                    index++;
                }

                break;
            case JsonValueKind.Null:
                settings[key!] = null;
                break;
            case JsonValueKind.String:
                settings[key!] = element.GetString();
                break;
            default:
                settings[key!] = element.GetRawText();
                break;
        }
    }

    /// <summary>Environment variables of the form <c>Section__Key</c>, as the API reads them.</summary>
    private static void ReadEnvironmentSettings(Dictionary<string, string?> settings)
    {
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.Contains("__", StringComparison.Ordinal) && !name.StartsWith("__", StringComparison.Ordinal))
            {
                settings[name.Replace("__", ":", StringComparison.Ordinal)] = variable.Value as string;
            }
        }
    }
}
