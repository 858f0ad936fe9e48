using Pixelated.ZepEmulator.Hosting;

// Standalone emulator: dotnet run --project src/Pixelated.ZepEmulator -- --urls http://127.0.0.1:5099
// Settings come from the "Emulator" section (appsettings.json, Emulator__ApiKey env vars, --Emulator:ApiKey=...).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddZepEmulator();
var app = builder.Build();
app.UseZepEmulator();
app.Run();
