"""Kubernetes manifests: namespaces, services routed to probed pods, locked-down pods, config keys, URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.deploy.deploy_support import (
    CONSOLE_AUTH,
    KNOWN_ENV,
    SECRETS,
    SERVICE_URL,
    SERVICES,
    containers,
    created_databases,
    dockerfile_env,
    dockerfile_uid,
    k8s_objects,
    pod_specs,
    port_of,
    process_of,
)


def test_k8s_objects_live_in_the_namespace():
    (namespace,) = k8s_objects("Namespace")
    for obj in k8s_objects():
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace["metadata"]["name"], obj["metadata"]["name"]


def _resolve(ports: dict[str, int], port: str | int) -> int:
    """A container port given by name or number."""
    return ports[port] if isinstance(port, str) else port


def test_k8s_services_route_to_web_pods_that_are_probed_on_the_target_port():
    deployments = k8s_objects("Deployment")
    routed = set()
    for service in k8s_objects("Service"):
        name, selector = service["metadata"]["name"], service["spec"]["selector"]
        (target,) = [d for d in deployments
                     if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
        (container,) = target["spec"]["template"]["spec"]["containers"]
        assert process_of(container["args"]) == ("web", name)
        (port,) = service["spec"]["ports"]
        assert port["port"] == SERVICES[name], "the in-cluster URLs use the conventional port"
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        container_port = _resolve(ports, port["targetPort"])
        assert container_port in ports.values()
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert port_of(env["CX_BIND"]) == container_port, name
        probes = (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz"), ("startupProbe", "/healthz"))
        for probe, path in probes:
            get = container[probe]["httpGet"]
            assert (get["path"], _resolve(ports, get["port"])) == (path, container_port), f"{name} {probe}"
        routed.add(target["metadata"]["name"])
    web = {d["metadata"]["name"] for d in deployments
           if process_of(d["spec"]["template"]["spec"]["containers"][0]["args"])[0] == "web"}
    assert routed == web
    assert all(d["spec"]["replicas"] == 2 for d in deployments if d["metadata"]["name"] in web)


def test_k8s_pods_run_locked_down():
    prometheus_dir = dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"]
    uid = dockerfile_uid()
    images = set()
    for obj in k8s_objects():
        if obj["kind"] == "Deployment":
            labels = obj["spec"]["template"]["metadata"]["labels"]
            assert obj["spec"]["selector"]["matchLabels"].items() <= labels.items(), obj["metadata"]["name"]
    for spec in pod_specs():
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] == uid
        assert spec["enableServiceLinks"] is False, "service links inject SURVEY_PORT etc. into the settings"
        empty_dirs = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"]:
            assert "command" not in container, "use args: command would replace tini as PID 1"
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][section]), container["name"]
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts["/tmp"] in empty_dirs and mounts[prometheus_dir] in empty_dirs
            images.add(container["image"])
    assert len(images) == 1, f"one image for every process: {images}"


def test_k8s_env_refers_to_existing_config_and_secret_keys():
    available = {("configMapKeyRef", cm["metadata"]["name"], key)
                 for cm in k8s_objects("ConfigMap") for key in cm["data"]}
    available |= {("secretKeyRef", s["metadata"]["name"], key)
                  for s in k8s_objects("Secret") for key in {**s.get("data", {}), **s.get("stringData", {})}}
    used = set()
    for container in containers():
        names = [e["name"] for e in container["env"]]
        assert len(names) == len(set(names)) and set(names) <= KNOWN_ENV, container["name"]
        for entry in container["env"]:
            for kind, ref in entry.get("valueFrom", {}).items():
                used.add((kind, ref["name"], ref["key"]))
                assert (kind, ref["name"], ref["key"]) in available, f"{container['name']}: {entry}"
        kind, service = process_of(container["args"])
        for owner in SERVICES if kind == "migrate" else [service]:
            assert f"{owner.upper()}_DATABASE_URL" in names, container["name"]
    assert available == used, f"keys nobody reads (typo?): {available - used}"


def _secret_refs(container: dict) -> dict[str, str]:
    return {e["name"]: e["valueFrom"]["secretKeyRef"]["key"]
            for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}


def test_k8s_console_and_services_share_the_hand_over_secrets():
    """Every web pod (console and services) reads the console key and actor secret from the Secret;
    no worker or migration does; survey pods share the link-token secret; secrets never sit in
    the ConfigMap or a literal value."""
    (config,) = k8s_objects("ConfigMap")
    assert not set(SECRETS) & set(config["data"])
    for container in containers():
        kind, service = process_of(container["args"])
        refs = _secret_refs(container)
        literal = {e["name"] for e in container["env"] if "value" in e}
        assert not set(SECRETS) & literal, container["name"]
        if kind == "web":
            assert all(refs.get(key) == key for key in CONSOLE_AUTH), f"{service}: {refs}"
        else:
            assert not set(CONSOLE_AUTH) & set(refs), f"{kind} {service} needs no console secrets"
        if service == "survey":
            assert refs.get("SURVEY_TOKEN_SECRET") == "SURVEY_TOKEN_SECRET", kind
        if service == "console":
            assert refs.get("CONSOLE_SECRET_KEY") == "CONSOLE_SECRET_KEY"
            assert not {"CX_ADMIN_KEY", "CX_SERVICE_KEY"} & set(refs), "the console acts only for people"


def test_k8s_config_urls_point_at_the_services():
    services = {s["metadata"]["name"]: s["spec"]["ports"][0]["port"] for s in k8s_objects("Service")}
    (config,) = k8s_objects("ConfigMap")
    urls = {k: v for k, v in config["data"].items() if SERVICE_URL.match(k)}
    assert set(urls) == {k for k in KNOWN_ENV if SERVICE_URL.match(k)}
    for key, value in urls.items():
        url = urlsplit(value)
        target = SERVICE_URL.match(key)[2].lower()
        assert (url.hostname.split(".")[0], url.port) == (target, services[target]), f"{key}={value}"
    for secret in k8s_objects("Secret"):
        for owner in SERVICES:
            url = urlsplit(secret["stringData"][f"{owner.upper()}_DATABASE_URL"])
            assert url.scheme == "postgresql+psycopg" and url.path == f"/cx_{owner}"
            assert f"cx_{owner}" in created_databases()


# --- image and repository hygiene -----------------------------------------------------------------
