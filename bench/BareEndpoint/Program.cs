// The yardstick of the HTTP benchmark: Kestrel and minimal-API routing with nothing behind them, so the registry's
// figures can be read as a share of what this machine's ASP.NET Core can do at all in the same run.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => TypedResults.Ok(new { status = "ok" }));
app.MapPost("/", () => TypedResults.Ok(new { status = "ok" }));
await app.RunAsync();
