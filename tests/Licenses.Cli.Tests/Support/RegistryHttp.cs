using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>What the tests of running API processes do over HTTP: clients with a department's token, tree heads, proofs checked by <c>elic audit</c>.</summary>
internal static class RegistryHttp
{
    public static HttpClient Client(Uri address, string token)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The demo tokens the API wrote at its first start: department code → role → token.</summary>
    public static Dictionary<string, Dictionary<string, string>> DemoCredentials(string dataDirectory) =>
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(File.ReadAllText(Path.Combine(dataDirectory, "demo-credentials.json")))!;

    public static async Task<string> TreeHeadOfAtLeastAsync(HttpClient http, long size)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var head = await http.GetStringAsync("api/v1/audit/tree-head");
            if (JsonNode.Parse(head)!["treeSize"]!.GetValue<long>() >= size)
            {
                return head;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the audit log did not reach {size} events");
    }

    /// <summary>
    /// <c>elic audit verify</c> of each of <paramref name="proven"/> in <paramref name="head"/>, and <c>elic audit consistency</c>
    /// from <paramref name="earlierHead"/> to it, with proofs and the key fetched from <paramref name="http"/>.
    /// </summary>
    public static async Task AssertLogProvesAsync(
        HttpClient http, TempDirectory data, string earlierHead, string head, IEnumerable<(long Index, JsonNode Leaf, string Hash)> proven)
    {
        var key = data.File("audit.pem");
        await File.WriteAllTextAsync(key, await http.GetStringAsync("api/v1/audit/public-key.pem"));
        var size = JsonNode.Parse(head)!["treeSize"]!.GetValue<long>();
        await File.WriteAllTextAsync(data.File("sth.json"), head);
        await File.WriteAllTextAsync(data.File("sth-before.json"), earlierHead);

        foreach (var (index, _, hash) in proven)
        {
            await File.WriteAllTextAsync(data.File("inclusion.json"), await http.GetStringAsync($"api/v1/audit/proofs/inclusion?index={index}&treeSize={size}"));
            var verify = await Elic.RunAsync("audit", "verify", "--tree-head", data.File("sth.json"), "--proof", data.File("inclusion.json"),
                "--leaf-hash", hash, "--public-key", key);
            Assert.True(verify.ExitCode == 0, $"event {index}: {verify}");
        }

        var before = JsonNode.Parse(earlierHead)!["treeSize"]!.GetValue<long>();
        await File.WriteAllTextAsync(data.File("consistency.json"), await http.GetStringAsync($"api/v1/audit/proofs/consistency?first={before}&second={size}"));
        var consistency = await Elic.RunAsync("audit", "consistency", "--old", data.File("sth-before.json"), "--new", data.File("sth.json"),
            "--proof", data.File("consistency.json"), "--public-key", key);
        Assert.True(consistency.ExitCode == 0, consistency.ToString());
    }

    /// <summary>For each of <paramref name="actions"/>: every license in <paramref name="licenses"/> has exactly one such event, and no other license has one.</summary>
    public static void AssertOnceEach(IEnumerable<(long Index, JsonNode Leaf, string Hash)> events, IEnumerable<string> licenses, params string[] actions)
    {
        var expected = licenses.Order(StringComparer.Ordinal).ToArray();
        foreach (var action in actions)
        {
            var perLicense = events.Where(e => (string?)e.Leaf["action"] == action)
                .GroupBy(e => (string)e.Leaf["license"]!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            Assert.Equal(expected, perLicense.Keys.Order(StringComparer.Ordinal));
            Assert.All(perLicense, p => Assert.True(p.Value == 1, $"{action} of {p.Key} is in the log {p.Value} times"));
        }
    }
}
