"""The bundled demo government site: a fictional county portal (宁川县人民政府) served on loopback.

- ``sitegen.build_site`` makes the site (deterministic, lazily rendered) with every detectable problem
  planted in a known place; ``DemoSite.expected`` is the manifest, ``DemoSite.must_not_flag`` the
  look-alikes a scan must leave alone, ``DemoSite.site_config`` the per-site settings a scan of the
  demo should use (the sub-site prefix, the county's own place name).
- ``server.start_demo`` serves it: main host, a good external host 127.0.0.2, a gambling spam host
  127.0.0.4 (same port); 127.0.0.3 is never bound, so links to it are refused.
- ``faults`` adds bad responses under /faults/ for the crawler's robustness tests.
- ``export.export_static`` writes the static part for nginx.

No real domain is linked or contacted: the ICP filing number links to the 127.0.0.2 stand-in page
/beian/ and the 党政机关标识 to /conac/. Content lives in src/govinspect/data/demo/*.yaml.
"""
