using Customer360Portal.Core.Access;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Insights;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Core.Quality;
using Customer360Portal.Core.Search;
using Customer360Portal.Core.Segments;
using Customer360Portal.Core.Sync;
using Customer360Portal.Web.Api;
using Customer360Portal.Data;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Identity;

var builder = WebApplication.CreateBuilder(DemoMode.ExpandFlag(args));

builder.AddDemoMode();
builder.AddProfileStore();
builder.AddPortalIdentity().AddSignInManager();
builder.AddConsent();
builder.AddIntake();
builder.AddProfiles();
builder.AddSearch();
builder.AddCustomerView();
builder.AddPredictions();
builder.AddInsights();
builder.AddNextBestOffer();
builder.AddDataQuality();
builder.AddErasure();
builder.AddPrivacyRequests();
builder.AddSegments();
builder.AddIngestApi();
builder.AddTrackingApi();
builder.AddSourceSync();
builder.AddPortalSecurity();
builder.AddPortalUi();

var app = builder.Build();

await app.PrepareProfileStoreAsync();
app.UsePortal();

app.Run();

/// <summary>Entry point type, public for WebApplicationFactory in tests.</summary>
public partial class Program;
