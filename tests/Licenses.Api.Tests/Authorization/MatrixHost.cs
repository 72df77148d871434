using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Licenses.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Authorization;

/// <summary>Who calls: the four department roles, a holder, or nobody.</summary>
public enum Caller
{
    Anonymous,
    Holder,
    Issuer,
    Verifier,
    Archivist,
    Admin,
}

/// <summary>One registry (SQLite) with real licenses, grants and receipts, and a credential per <see cref="Caller"/>.</summary>
public sealed class MatrixHost : IAsyncLifetime
{
    public const string DrivingType = "11100000000013338W004";
    public const string Driver = "500112198802140159";
    public const string OtherCitizen = "11010519491231002X";
    public const string TrafficPolice = "11500000MB1501026H";   // issuer of driving licences
    public const string CivilAffairs = "11500000MB15020105";    // the verifier's department
    public const string PlanningBureau = "11500000MB15040166";  // verifier and archivist, issues nothing
    public const string BigDataBureau = "11500000MB1512016F";   // admin, archivist, verifier
    public const string DocumentField = "证照文件";
    public const string Company = "91500103MAQJWYLF5X";        // holder of the business license sample

    private readonly Dictionary<Caller, string> receipts = [];
    private HttpClient? http;
    private string? holderToken;

    public RegistryApiFactory Factory { get; } = new(Database.Sqlite);

    /// <summary>A driving licence of <see cref="Driver"/>, issued by <see cref="TrafficPolice"/> (有条件共享).</summary>
    public string DrivingLicence { get; private set; } = string.Empty;

    /// <summary>A business license issued by another department than <see cref="TrafficPolice"/> (无条件共享).</summary>
    public string BusinessLicense { get; private set; } = string.Empty;

    /// <summary>Per department caller: a live grant of <see cref="Driver"/> to that caller's department.</summary>
    public Dictionary<Caller, string> Grants { get; } = [];

    public string SealId { get; private set; } = string.Empty;

    private string? exportJob;

    public int StatusListId { get; private set; }

    public static string DepartmentOf(Caller caller) => caller switch
    {
        Caller.Issuer => TrafficPolice,
        Caller.Verifier => CivilAffairs,
        Caller.Archivist => PlanningBureau,
        Caller.Admin => BigDataBureau,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "not a department"),
    };

    public static bool IsDepartment(Caller caller) => caller is Caller.Issuer or Caller.Verifier or Caller.Archivist or Caller.Admin;

    public async Task InitializeAsync()
    {
        http = Factory.CreateClient();
        holderToken = await HolderTokenAsync(Driver);
        DrivingLicence = await PushAsync("motor-vehicle-driving-licence-1.json");
        BusinessLicense = await PushAsync("business-license-1.json");
        foreach (var caller in new[] { Caller.Issuer, Caller.Verifier, Caller.Archivist, Caller.Admin })
        {
            Grants[caller] = await GrantAsync(Driver, DepartmentOf(caller));
        }

        var seals = await ReadJsonAsync<JsonArray>(await SendAsync(Caller.Admin, new HttpRequestMessage(HttpMethod.Get, "/api/v1/seals")));
        SealId = (string)seals[0]!["esId"]!;
        StatusListId = await Factory.QueryAsync(db => Task.FromResult(db.StatusLists.Select(s => s.Id).Min()));
    }

    public Task DisposeAsync()
    {
        http?.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Sends the request with the caller's credential (none for <see cref="Caller.Anonymous"/>).</summary>
    public Task<HttpResponseMessage> SendAsync(Caller caller, HttpRequestMessage request)
    {
        if (caller == Caller.Holder)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", holderToken);
        }
        else if (IsDepartment(caller))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Factory.Tokens[DepartmentOf(caller)][Name(caller)]);
        }

        return http!.SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsHolderAsync(string holderCode, HttpRequestMessage request, string? agentCode = null)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await HolderTokenAsync(holderCode, agentCode));
        return await http!.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendAsDepartmentAsync(string department, string role, HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Factory.Tokens[department][role]);
        return http!.SendAsync(request);
    }

    public static string Name(Caller caller) => caller.ToString().ToLowerInvariant();

    /// <summary>Pushes a sample with a fresh 证照编号 (and optionally another holder) as its issuer; returns its 证照标识.</summary>
    public async Task<string> PushAsync(string sample, string? holderCode = null)
    {
        var body = Samples.License(sample);
        body["证照编号"] = "M" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        if (holderCode is not null)
        {
            body["持证主体代码"] = holderCode;
        }

        var response = await SendAsDepartmentAsync(Samples.IssuerOf(body), "issuer",
            new HttpRequestMessage(HttpMethod.Post, "/api/v1/licenses") { Content = Samples.Json(body) });
        return (string)(await ReadJsonAsync<JsonObject>(response, HttpStatusCode.Created))["licenseId"]!;
    }

    /// <summary>The driving licence, archived (the worker may not have reached it yet).</summary>
    public async Task<string> ArchivedLicenceAsync()
    {
        var archives = Factory.Services.GetRequiredService<ElectronicLicense.Licenses.Archiving.ArchiveService>();
        await archives.ArchiveAsync(ElectronicLicense.Licenses.Identifiers.LicenseId.Parse(DrivingLicence));
        return DrivingLicence;
    }

    /// <summary>An export job of the archivist's department, completed (made once).</summary>
    public async Task<string> CompletedExportAsync()
    {
        if (exportJob is not null)
        {
            return exportJob;
        }

        var created = await ReadJsonAsync<JsonObject>(await SendAsync(Caller.Archivist, new HttpRequestMessage(HttpMethod.Post, "/api/v1/archives/exports")
        {
            Content = JsonContent.Create(new { licenseId = DrivingLicence }),
        }), HttpStatusCode.Accepted);
        var id = (string)created["id"]!;
        for (var i = 0; i < 600; i++)
        {
            var job = await ReadJsonAsync<JsonObject>(await SendAsync(Caller.Archivist, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/exports/{id}")));
            if ((string)job["status"]! == "completed")
            {
                return exportJob = id;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The export job did not complete within a minute.");
    }

    /// <summary>A fresh driving licence of <see cref="Driver"/>, suspended by an administrator.</summary>
    public async Task<string> PushSuspendedAsync()
    {
        var id = await PushAsync("motor-vehicle-driving-licence-1.json");
        await ReadJsonAsync<JsonObject>(await SendAsync(Caller.Admin, new HttpRequestMessage(HttpMethod.Post, $"/api/v1/licenses/{id}/suspend")
        {
            Content = JsonContent.Create(new { reasonCode = "under-investigation" }),
        }));
        return id;
    }

    public static object GrantBody(string grantee) => new
    {
        grantee,
        licenseTypes = new[] { DrivingType },
        fields = new[] { "准驾车型", "有效期截止日期", DocumentField },
        purpose = new { itemCode = "500000-000201-001", serialNumber = "MX-" + Guid.NewGuid().ToString("N")[..8] },
        notAfter = DateTimeOffset.UtcNow.AddDays(7),
        maxUses = 1000,
    };

    public async Task<string> GrantAsync(string holderCode, string grantee)
    {
        var response = await SendAsHolderAsync(holderCode, new HttpRequestMessage(HttpMethod.Post, "/api/v1/grants") { Content = JsonContent.Create(GrantBody(grantee)) });
        return (string)(await ReadJsonAsync<JsonObject>(response, HttpStatusCode.Created))["id"]!;
    }

    /// <summary>A fresh single-use 亮证 code of <see cref="Driver"/> for <see cref="DrivingLicence"/>.</summary>
    public async Task<string> PresentationCodeAsync()
    {
        var response = await SendAsync(Caller.Holder, new HttpRequestMessage(HttpMethod.Post, "/api/v1/presentations")
        {
            Content = JsonContent.Create(new { licenseId = DrivingLicence }),
        });
        return (string)(await ReadJsonAsync<JsonObject>(response, HttpStatusCode.Created))["code"]!;
    }

    /// <summary>The id of a receipt of a verification the department caller made itself (the verifier's for others).</summary>
    public async Task<string> ReceiptAsync(Caller caller)
    {
        caller = IsDepartment(caller) ? caller : Caller.Verifier;
        if (!receipts.TryGetValue(caller, out var id))
        {
            var response = await SendAsync(caller, new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications")
            {
                Content = JsonContent.Create(new { licenseId = DrivingLicence }),
            });
            receipts[caller] = id = (string)(await ReadJsonAsync<JsonObject>(response))["receipt"]!["id"]!;
        }

        return id;
    }

    /// <summary>A fresh seal of a department that signs no license, so revoking it disturbs nothing.</summary>
    public async Task<string> NewSealAsync()
    {
        var response = await SendAsync(Caller.Admin, new HttpRequestMessage(HttpMethod.Post, "/api/v1/seals")
        {
            Content = JsonContent.Create(new { department = PlanningBureau, kind = "业务专用章" }),
        });
        return (string)(await ReadJsonAsync<JsonObject>(response, HttpStatusCode.Created))["esId"]!;
    }

    /// <summary>The size of the latest signed tree head.</summary>
    public async Task<long> SignedTreeSizeAsync() =>
        (long)(await ReadJsonAsync<JsonObject>(await SendAsync(Caller.Anonymous, new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit/tree-head"))))["treeSize"]!;

    public async Task<long> AuditSizeAsync() => await Factory.Services.GetRequiredService<AuditLog>().SizeAsync();

    /// <summary>The readable entries of events [from, to), read back as an administrator through the API.</summary>
    public async Task<IReadOnlyList<JsonObject>> AuditEntriesAsync(long from, long to)
    {
        var entries = new List<JsonObject>();
        for (var i = from; i < to; i++)
        {
            var view = await ReadJsonAsync<JsonObject>(await SendAsync(Caller.Admin, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit/events/{i}")));
            entries.Add(view["entry"]!.AsObject());
        }

        return entries;
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
        where T : JsonNode
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {text}");
        return (T)JsonNode.Parse(text)!;
    }

    private async Task<string> HolderTokenAsync(string holderCode, string? agentCode = null)
    {
        if (holderCode == Driver && holderToken is not null)
        {
            return holderToken;
        }

        var response = await http!.PostAsJsonAsync("/api/v1/dev/holder-tokens", new { holderCode, agentCode });
        return (string)(await ReadJsonAsync<JsonObject>(response))["token"]!;
    }
}
