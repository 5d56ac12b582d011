# The portal image. Built from the repository root: docker build -t customer360portal .
# Used by docker-compose.yml together with SQL Server.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Customer360Portal.sln ./
COPY wwwroot-assets/package.json wwwroot-assets/package-lock.json wwwroot-assets/
RUN cd wwwroot-assets && npm ci --no-audit --no-fund
COPY src/ src/
RUN dotnet publish src/Customer360Portal.Web -c Release -o /app/web \
 && dotnet publish src/Customer360Portal.Cli -c Release -o /app/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app/web ./
COPY --from=build /app/cli ./cli/
ENV ASPNETCORE_URLS=http://+:8080 \
    ProfileStore__DataFolder=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD ["dotnet", "cli/c360.dll", "health"]
USER $APP_UID
ENTRYPOINT ["dotnet", "Customer360Portal.Web.dll"]
