// The floor for the benchmarks: a bare Kestrel minimal API on the same machine, doing the least a
// token endpoint must do — read a form, answer a small JSON body — and a static discovery-sized GET.
// /hash/argon2id and /hash/pbkdf2 do that plus one password hash at DirectAuth's default parameters: the
// floor of a password sign-in, which verifies one hash.
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
var argon2id = new NSec.Cryptography.Argon2id(new NSec.Cryptography.Argon2Parameters { DegreeOfParallelism = 1, MemorySize = 19_456, NumberOfPasses = 2 });
var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
app.MapPost("/hash/argon2id", async (HttpRequest request) =>
    Hashed(argon2id.DeriveBytes(System.Text.Encoding.UTF8.GetBytes((await request.ReadFormAsync())["password"].ToString()), salt, 32)));
app.MapPost("/hash/pbkdf2", async (HttpRequest request) =>
    Hashed(System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2((await request.ReadFormAsync())["password"].ToString(), salt, 210_000,
        System.Security.Cryptography.HashAlgorithmName.SHA512, 32)));
app.Run();

static IResult Hashed(byte[] hash) => Results.Text($$"""{"error":"invalid_grant","error_description":"{{hash[0]}}"}""", "application/json", statusCode: 400);

static async Task<IResult> Token(HttpRequest request)
{
    var form = await request.ReadFormAsync();
    var grant = form["grant_type"].ToString();
    return Results.Text($$"""{"error":"authorization_pending","error_description":"{{grant.Length}}"}""", "application/json", statusCode: 400);
}
