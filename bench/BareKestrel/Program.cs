// The floor for the benchmarks: a bare Kestrel minimal API on the same machine, doing the least a
// token endpoint must do — read a form, answer a small JSON body — and a static discovery-sized GET.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var discovery = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["issuer"] = "http://127.0.0.1/oauth2/default",
    ["token_endpoint"] = "http://127.0.0.1/oauth2/default/v1/token",
    ["jwks_uri"] = "http://127.0.0.1/oauth2/default/v1/keys",
    ["grant_types_supported"] = new[] { "password", "refresh_token" },
});

app.MapGet("/discovery", () => Results.Text(discovery, "application/json"));
app.MapPost("/token", Token);
// The path the OOB poll benchmark posts to, so that both servers take the very same requests.
app.MapPost("/oauth2/default/v1/token", Token);
app.Run();

static async Task<IResult> Token(HttpRequest request)
{
    var form = await request.ReadFormAsync();
    var grant = form["grant_type"].ToString();
    return Results.Text($$"""{"error":"authorization_pending","error_description":"{{grant.Length}}"}""", "application/json", statusCode: 400);
}
