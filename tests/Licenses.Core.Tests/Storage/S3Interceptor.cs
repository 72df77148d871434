using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Amazon.Runtime;
using Amazon.S3;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>An <see cref="IAmazonS3"/> that forwards to a real client, records every request, and lets a test replace any call's answer.</summary>
public class S3Interceptor : DispatchProxy
{
    private IAmazonS3 inner = null!;

    /// <summary>Every request sent, in order.</summary>
    internal ConcurrentQueue<AmazonWebServiceRequest> Requests { get; } = new();

    /// <summary>Given the method name and its request, an answer (a task) to return instead of forwarding, or null to forward.</summary>
    internal Func<string, AmazonWebServiceRequest?, object?>? Replace { get; set; }

    internal static (IAmazonS3 Client, S3Interceptor Interceptor) Wrap(IAmazonS3 inner)
    {
        var client = Create<IAmazonS3, S3Interceptor>();
        var interceptor = (S3Interceptor)(object)client;
        interceptor.inner = inner;
        return (client, interceptor);
    }

    /// <summary>Requests of one type, in order.</summary>
    internal List<T> RequestsOf<T>() => Requests.OfType<T>().ToList();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var request = args?.OfType<AmazonWebServiceRequest>().FirstOrDefault();
        if (request is not null)
        {
            Requests.Enqueue(request);
        }

        if (Replace?.Invoke(targetMethod!.Name, request) is { } answer)
        {
            return answer;
        }

        try
        {
            return targetMethod!.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
