using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ElectronicLicense.Cli.Import;

/// <summary>Imports through the registry's HTTP API: <c>POST {api}/api/v1/licenses/batch</c>, the file streamed from disk in parts.</summary>
/// <remarks>
/// One request per part of at most <see cref="LinesPerRequest"/> lines (and about 1 MiB), each answered by the registry's NDJSON
/// results and a summary. A single request for a large file deadlocks over HTTP/1.1: .NET's handler reads no response before it
/// has sent the whole body, while the registry stops reading the body once its unread results fill the connection's buffers.
/// A part's body fits in the server's request buffers, so the client always gets to read its results.
/// </remarks>
internal sealed class HttpImporter : IImporter
{
    /// <summary>Default lines per request: large enough that per-request costs vanish, small enough that results never back up.</summary>
    public const int DefaultLinesPerRequest = 1000;

    private const long MaxBytesPerRequest = 1024 * 1024;
    private const string NdjsonMediaType = "application/x-ndjson";
    private readonly HttpClient client;
    private readonly Uri endpoint;
    private readonly string token;

    public HttpImporter(Uri api, string token, HttpMessageHandler handler, int linesPerRequest = DefaultLinesPerRequest)
    {
        // Results stream for as long as a part takes; the connect timeout sits on the handler instead.
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        endpoint = new Uri(api.AbsoluteUri.TrimEnd('/') + "/api/v1/licenses/batch");
        this.token = token;
        LinesPerRequest = linesPerRequest;
        Target = api.AbsoluteUri;
    }

    public string Target { get; }

    public int LinesPerRequest { get; }

    public async IAsyncEnumerable<ImportedLine> ImportAsync(Stream ndjson, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!ndjson.CanSeek)
        {
            throw new CliException("the file must be a regular file (it is read in parts).");
        }

        var start = 0L;
        var linesBefore = 0;
        while (start < ndjson.Length)
        {
            var part = new NdjsonPartContent(ndjson, start, LinesPerRequest, MaxBytesPerRequest);
            using var request = CreateRequest(part);
            using var response = await SendAsync(request, linesBefore, cancellationToken);
            await foreach (var line in ReadResultsAsync(response, linesBefore, cancellationToken))
            {
                yield return line;
            }

            if (part.End <= start)
            {
                throw new CliException("the file could not be read past byte " + start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
            }

            start = part.End;
            linesBefore += part.Lines;
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    private HttpRequestMessage CreateRequest(NdjsonPartContent part)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = part };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(NdjsonMediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        return request;
    }

    /// <summary>Reads one part's results; line numbers are the server's (counted from the part's first line) plus <paramref name="linesBefore"/>.</summary>
    private static async IAsyncEnumerable<ImportedLine> ReadResultsAsync(
        HttpResponseMessage response, int linesBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, System.Text.Encoding.UTF8);
        var reported = 0;
        while (await ReadLineAsync(reader, linesBefore + reported, cancellationToken) is { } text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            using var document = Parse(text);
            var root = document.RootElement;
            if (root.TryGetProperty("summary", out var summary))
            {
                var lines = summary.TryGetProperty("lines", out var count) && count.TryGetInt32(out var n) ? n : -1;
                if (lines != reported)
                {
                    throw new CliException($"the registry's summary counts {lines} lines but it reported {reported}; check the registry's log.");
                }

                yield break;
            }

            if (root.TryGetProperty("aborted", out var aborted))
            {
                throw new CliException("the registry stopped the batch: " + Text(aborted, "detail")
                    + $" (lines up to {linesBefore + reported} were reported; the later ones were not processed).");
            }

            if (root.TryGetProperty("line", out var lineElement) && lineElement.TryGetInt32(out var line)
                && Text(root, "outcome") is { } outcome)
            {
                reported++;
                yield return new ImportedLine(
                    linesBefore + line, outcome, outcome == Outcomes.Rejected ? ReadRejection(linesBefore + line, root) : null);
            }
        }

        throw new CliException($"the registry's response ended without a summary after line {linesBefore + reported}; the later lines are unconfirmed: push the file again (stored lines come back as unchanged).");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, int confirmed, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            var resume = confirmed > 0
                ? $" Lines up to {confirmed} are confirmed; push the file again once it answers (stored lines come back as unchanged)."
                : string.Empty;
            throw new CliException($"cannot reach the registry at {Target}: {e.Message}{resume}", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            var hint = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => " Check --token: it must be a department credential of the registry.",
                HttpStatusCode.Forbidden => " The token must be the credential of an issuer department (role issuer).",
                _ => string.Empty,
            };
            throw new CliException($"the registry refused the import with {(int)response.StatusCode} {response.ReasonPhrase}{problem}{hint}");
        }
    }

    private static async Task<string> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return ".";
        }

        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var title = Text(document.RootElement, "title");
            var detail = Text(document.RootElement, "detail");
            var text = string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s))).TrimEnd('.');
            return text.Length > 0 ? " — " + text + "." : ".";
        }
        catch (JsonException)
        {
            return ".";
        }
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, int confirmed, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new CliException($"the connection to the registry broke during the import: {e.Message} Lines up to {confirmed} are confirmed;"
                + " the later ones are unconfirmed: push the file again (stored lines come back as unchanged).", e);
        }
    }

    private static JsonDocument Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new CliException($"the registry sent a response line that is not JSON ({e.Message}); is --api the registry's address?", e);
        }
    }

    private static Rejection ReadRejection(int line, JsonElement root)
    {
        if (!root.TryGetProperty("problem", out var problem) || problem.ValueKind != JsonValueKind.Object)
        {
            return new Rejection(line, "unknown", "the registry gave no reason", []);
        }

        var errors = new List<RejectedField>();
        if (problem.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in list.EnumerateArray())
            {
                errors.Add(new RejectedField(Text(error, "pointer") ?? string.Empty, Text(error, "detail") ?? string.Empty));
            }
        }

        return new Rejection(line, Text(problem, "code") ?? "unknown", Text(problem, "detail") ?? Text(problem, "title") ?? string.Empty, errors);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
