using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>
/// The registry API as a real operating-system process (<c>dotnet ElectronicLicense.Api.dll</c>), started from the copy
/// the build places beside the tests, so that a test can kill it with SIGKILL and start it again on the same data.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly Process process;
    private readonly StringBuilder log = new();

    private ApiProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>What the process wrote to stdout and stderr, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.Length > 20_000 ? log.ToString(log.Length - 20_000, 20_000) : log.ToString();
            }
        }
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the API with <paramref name="settings"/> as environment variables and waits until it answers.</summary>
    public static async Task<ApiProcess> StartAsync(int port, IReadOnlyDictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ElectronicLicense.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.AbsoluteUri.TrimEnd('/'));
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var api = new ApiProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), address);
        api.process.OutputDataReceived += (_, e) => api.Append(e.Data);
        api.process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        api.process.BeginOutputReadLine();
        api.process.BeginErrorReadLine();
        await api.WaitUntilAnsweringAsync();
        return api;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no finishing of the request in flight.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the API exited with {process.ExitCode} while starting:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "api/v1/audit/public-key"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the API did not answer within {StartTimeout}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    // The SDK's test runner names the dotnet host it runs under; a bare "dotnet" from PATH otherwise.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
