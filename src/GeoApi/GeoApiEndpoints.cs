using GridMap.GeoApi.Inbox;
using GridMap.GeoApi.Audit;
using GridMap.GeoApi.Auth;
using GridMap.GeoApi.Buildings;
using GridMap.GeoApi.Events;
using GridMap.GeoApi.Field;
using GridMap.GeoApi.Grids;
using GridMap.GeoApi.Imports;
using GridMap.GeoApi.Accounts;
using GridMap.GeoApi.Assessment;
using GridMap.GeoApi.Disputes;
using GridMap.GeoApi.Proxy;
using GridMap.GeoApi.Villages;
using GridMap.GeoApi.Kpi;
using GridMap.GeoApi.Locate;
using GridMap.GeoApi.Ogc;
using GridMap.GeoApi.Open311;
using GridMap.GeoApi.People;
using GridMap.GeoApi.Planning;
using GridMap.GeoApi.PublicReports;
using GridMap.GeoApi.Register;
using GridMap.GeoApi.Search;
using GridMap.GeoApi.Staffing;
using GridMap.GeoApi.Tracking;
using GridMap.GeoApi.Units;

namespace GridMap.GeoApi;

/// <summary>Every resource's endpoints, one line each: the API's table of contents.</summary>
public static class GeoApiEndpoints
{
    public static IEndpointRouteBuilder MapGridMapApis(this IEndpointRouteBuilder app)
    {
        // Map, places and standard GIS interfaces.
        app.MapUnitsApi();
        app.MapGridsApi();
        app.MapLocateApi();
        app.MapSearchApi();
        app.MapOgcApi();
        // Accounts, population and its audit.
        app.MapAuthApi();
        app.MapStaffingApi();
        app.MapBuildingsApi();
        app.MapPeopleApi();
        app.MapRegisterApi();
        app.MapFieldApi();
        app.MapAuditApi();
        app.MapImportsApi();
        // Events: intake channels, workflow, live feed, public tracking, KPIs.
        app.MapEventsApi();
        app.MapOpen311Api();
        app.MapPublicReportsApi();
        app.MapTrackingApi();
        app.MapEventFeed();
        app.MapInboxApi();
        app.MapKpiApi();
        app.MapAssessmentApi();
        app.MapAccountsApi();
        app.MapDisputesApi();
        app.MapProxyApi();
        app.MapVillagesApi();
        // Boundary planning and file exchange.
        app.MapPlanningApi();
        app.MapExchangeApi();
        return app;
    }
}
