using System.Text;
using ElectronicLicense.Licenses.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ElectronicLicense.Api.Problems;

/// <summary>Reads request bodies with an explicit media type check and size limit, so both fail with problem details.</summary>
internal static class RequestBody
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void RequireMediaType(HttpRequest request, params string[] accepted)
    {
        var ok = MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && accepted.Any(a => mediaType.MediaType.Equals(a, StringComparison.OrdinalIgnoreCase)
                || (a == "application/json" && mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));
        if (!ok)
        {
            throw new RegistryException(RegistryErrorCodes.UnsupportedMediaType,
                $"Content-Type must be {string.Join(" or ", accepted)}; got '{request.ContentType ?? "none"}'.");
        }

        if (mediaType!.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException(RegistryErrorCodes.UnsupportedMediaType, "The body must be UTF-8.");
        }
    }

    /// <summary>Reads the whole body as UTF-8 text, refusing more than <paramref name="limit"/> bytes.</summary>
    public static async Task<string> ReadTextAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var text = StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            return text.StartsWith('\uFEFF') ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new RegistryException(RegistryErrorCodes.MalformedJson, "The body is not valid UTF-8.");
        }
    }

    /// <summary>Lifts the server's whole-body limit for streaming endpoints, which bound each line instead.</summary>
    public static void AllowUnboundedStream(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = null;
        }
    }

    private static RegistryException TooLarge(long limit) =>
        new(RegistryErrorCodes.PayloadTooLarge, $"The body is larger than the limit of {limit} bytes (Ingest:MaxBodyBytes).");
}
