# gunicorn settings for deploy/lantian.service.
import multiprocessing

pythonpath = "src"
bind = "127.0.0.1:8001"
workers = multiprocessing.cpu_count() * 2 + 1
timeout = 120  # large Excel exports run as jobs; this only bounds a stuck request
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
