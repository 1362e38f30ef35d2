using GridMap.FieldApp;
using GridMap.FieldApp.Services;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// GeoApi serves the app at /field: the API is the same origin, at its root.
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(new Uri(builder.HostEnvironment.BaseAddress), "/") });
builder.Services.AddScoped<Device>();
builder.Services.AddScoped<FieldSession>();

await builder.Build().RunAsync();
