using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ElectronicLicense.Bench;

/// <summary>
/// HTTP throughput of 核验 measured with wrk on loopback: the registry API (Release build, embedded default on a fresh data
/// directory) beside a bare ASP.NET Core endpoint returning a constant, in the same run with the same wrk settings.
/// </summary>
/// <remarks>
/// Runs: bare GET; <c>POST /api/v1/verifications</c> by license id; the same with an uploaded 3-signature PDF (multipart).
/// Targets: by id ≥ 20% of the bare endpoint's requests/s at -c16 and at -c256, with p99 ≤ 20 ms at -c16; PDF upload ≥ 100/s.
/// </remarks>
internal static partial class HttpBenchmark
{
    private const double ShareTarget = 0.2;
    private const double P99TargetMs = 20;
    private const double UploadTarget = 100;
    private const string Sample = "samples/licenses/medical-death-certificate-1.json";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 10;
        var connections = 16;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when BenchSupport.Positive(args, ++i, out var s):
                    seconds = s;
                    break;
                case "--connections" when BenchSupport.Positive(args, ++i, out var c):
                    connections = c;
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench http [--seconds S (10)] [--connections C (16)]");
                    return 2;
            }
        }

        var repo = RepositoryRoot();
        var apiDll = Path.Combine(repo, "src/Licenses.Api/bin/Release/net10.0/ElectronicLicense.Api.dll");
        var bareDll = Path.Combine(repo, "bench/BareEndpoint/bin/Release/net10.0/ElectronicLicense.Bench.BareEndpoint.dll");
        foreach (var dll in new[] { apiDll, bareDll })
        {
            if (!File.Exists(dll))
            {
                Console.Error.WriteLine($"missing {dll}: build it in Release first (bench/run.sh http does)");
                return 2;
            }
        }

        var output = Console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"elic HTTP benchmark: wrk -t2 -c{connections} -d{seconds}s --latency on 127.0.0.1, registry API (Release, SQLite) vs a bare ASP.NET Core endpoint"));
        output.WriteLine(BenchSupport.Machine());
        output.WriteLine();

        var data = Directory.CreateTempSubdirectory("elic-bench-http-");
        const int ApiPort = 5391;
        const int BarePort = 5392;
        using var api = Start(apiDll, repo, $"--urls http://127.0.0.1:{ApiPort} --Storage:DataDirectory={data.FullName} --Logging:LogLevel:Default=Warning");
        using var bare = Start(bareDll, repo, $"--urls http://127.0.0.1:{BarePort}");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}"), Timeout = TimeSpan.FromMinutes(2) };
            await WaitReadyAsync(http, "/api/v1/seals/trust-anchors");
            await WaitReadyAsync(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{BarePort}") }, "/");

            // Demo credentials of the first start: department code → role → token.
            var credentials = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(
                await File.ReadAllTextAsync(Path.Combine(data.FullName, "demo-credentials.json")))!;
            var sample = await File.ReadAllTextAsync(Path.Combine(repo, Sample));
            var issuerCode = JsonDocument.Parse(sample).RootElement.GetProperty("颁发机构代码").GetString()!;
            var verifierToken = credentials.Values.Select(r => r.GetValueOrDefault("verifier")).First(t => t is not null)!;

            using var push = new HttpRequestMessage(HttpMethod.Post, "/api/v1/licenses") { Content = new StringContent(sample, System.Text.Encoding.UTF8, "application/json") };
            push.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials[issuerCode]["issuer"]);
            var pushed = await http.SendAsync(push);
            pushed.EnsureSuccessStatusCode();
            var licenseId = (await pushed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("licenseId").GetString()!;

            using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/licenses/{Uri.EscapeDataString(licenseId)}/document?format=pdf");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials[issuerCode]["issuer"]);
            var pdf = await (await http.SendAsync(get)).EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
            var pdfPath = Path.Combine(data.FullName, "license.pdf");
            await File.WriteAllBytesAsync(pdfPath, pdf);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"license {licenseId}, its PDF {pdf.Length:N0} bytes (3 signatures)"));

            // One check by hand before measuring: a benchmark of error responses would measure nothing.
            using (var probe = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications") { Content = JsonContent.Create(new { licenseId }) })
            {
                probe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", verifierToken);
                var response = await http.SendAsync(probe);
                output.WriteLine($"probe by id: HTTP {(int)response.StatusCode}, {Truncate(await response.Content.ReadAsStringAsync(), 160)}");
                response.EnsureSuccessStatusCode();
            }

            var byIdScript = Path.Combine(data.FullName, "by-id.lua");
            await File.WriteAllTextAsync(byIdScript, $$"""
                wrk.method = "POST"
                wrk.body = '{"licenseId":"{{licenseId}}"}'
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer {{verifierToken}}"
                """);
            var uploadScript = Path.Combine(data.FullName, "upload.lua");
            await File.WriteAllTextAsync(uploadScript, $$"""
                local f = io.open("{{pdfPath}}", "rb")
                local pdf = f:read("*all")
                f:close()
                local boundary = "elicbenchboundary7d1f"
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
                wrk.headers["Authorization"] = "Bearer {{verifierToken}}"
                wrk.body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"license.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n--" .. boundary .. "--\r\n"
                """);

            // Warm-up (JIT, caches), not measured.
            await Wrk($"http://127.0.0.1:{BarePort}/", null, 3, connections);
            await Wrk($"http://127.0.0.1:{ApiPort}/api/v1/verifications", byIdScript, 3, connections);
            await Wrk($"http://127.0.0.1:{ApiPort}/api/v1/verifications", uploadScript, 3, connections);

            var bareRun = await Wrk($"http://127.0.0.1:{BarePort}/", null, seconds, connections);
            var byIdRun = await Wrk($"http://127.0.0.1:{ApiPort}/api/v1/verifications", byIdScript, seconds, connections);
            var uploadRun = await Wrk($"http://127.0.0.1:{ApiPort}/api/v1/verifications", uploadScript, seconds, connections);

            output.WriteLine();
            output.WriteLine($"{"run",-38} {"requests/s",12} {"p50 ms",8} {"p99 ms",8} {"non-2xx",8}");
            foreach (var (name, run) in new[] { ("bare endpoint (constant)", bareRun), ("verification by license id", byIdRun), ("verification of an uploaded PDF", uploadRun) })
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-38} {run.RequestsPerSecond,12:0} {run.P50Ms,8:0.0} {run.P99Ms,8:0.0} {run.Non2xx,8}"));
            }

            var share = byIdRun.RequestsPerSecond / bareRun.RequestsPerSecond;
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"by id: {share:P0} of the bare endpoint (target ≥ {ShareTarget:P0}): {(share >= ShareTarget ? "met" : "NOT met")}; p99 {byIdRun.P99Ms:0.0} ms (target ≤ {P99TargetMs} ms): {(byIdRun.P99Ms <= P99TargetMs ? "met" : "NOT met")}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PDF upload: {uploadRun.RequestsPerSecond:0}/s (target ≥ {UploadTarget}/s): {(uploadRun.RequestsPerSecond >= UploadTarget ? "met" : "NOT met")}"));
            return byIdRun.Non2xx == 0 && uploadRun.Non2xx == 0 ? 0 : 1;
        }
        finally
        {
            Stop(api);
            Stop(bare);
            data.Delete(recursive: true);
        }
    }

    private sealed record WrkRun(double RequestsPerSecond, double P50Ms, double P99Ms, long Non2xx);

    private static async Task<WrkRun> Wrk(string url, string? script, int seconds, int connections)
    {
        var arguments = $"-t2 -c{connections} -d{seconds}s --latency {(script is null ? string.Empty : $"-s {script} ")}{url}";
        using var wrk = Process.Start(new ProcessStartInfo("wrk", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("wrk did not start");
        var text = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0 || RequestsLine().Match(text) is not { Success: true } rps)
        {
            throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {text}{await wrk.StandardError.ReadToEndAsync()}");
        }

        var non2xx = Non2xxLine().Match(text) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new WrkRun(double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture), Percentile(text, "50%"), Percentile(text, "99%"), non2xx);
    }

    /// <summary>wrk prints latencies as "99%   12.34ms" (or us / s).</summary>
    private static double Percentile(string text, string label)
    {
        var match = Regex.Match(text, $@"^\s*{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxLine();

    private static Process Start(string dll, string workingDirectory, string arguments)
    {
        var info = new ProcessStartInfo("dotnet", $"{dll} {arguments}")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{dll} did not start");
        // Drain the pipes so a chatty process never blocks on a full one.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    private static async Task WaitReadyAsync(HttpClient http, string path)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await http.GetAsync(path)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{http.BaseAddress}{path} did not answer within a minute");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ElectronicLicense.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository.");
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

}
